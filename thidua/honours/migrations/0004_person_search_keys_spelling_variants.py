"""Search keys now fold spelling variants ("Sỹ"/"Sĩ", "Kỹ"/"Kĩ"): recompute the stored keys of
people with the one normaliser (engine/text.search_key)."""

from django.db import migrations

from thidua.engine import text


def recompute(apps, schema_editor):
    Person = apps.get_model("honours", "Person")
    batch = []
    for person in Person.objects.only("pk", "full_name", "search_key").iterator(chunk_size=2000):
        key = text.search_key(person.full_name)
        if key != person.search_key:
            person.search_key = key
            batch.append(person)
        if len(batch) >= 1000:
            Person.objects.bulk_update(batch, ["search_key"])
            batch = []
    Person.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [("honours", "0003_unit_year_roster")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
