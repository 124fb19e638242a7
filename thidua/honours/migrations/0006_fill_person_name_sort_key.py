"""Fill `Person.name_sort_key` of existing people with the one key function
(engine/text.person_sort_key_str: given name, middle name(s), family name)."""

from django.db import migrations

from thidua.engine import text


def fill(apps, schema_editor):
    Person = apps.get_model("honours", "Person")
    batch = []
    rows = Person.objects.only("pk", "full_name", "name_sort_key").order_by("pk")
    for person in rows.iterator(chunk_size=2000):
        key = text.person_sort_key_str(person.full_name)
        if key != person.name_sort_key:
            person.name_sort_key = key
            batch.append(person)
        if len(batch) >= 1000:
            Person.objects.bulk_update(batch, ["name_sort_key"])
            batch = []
    Person.objects.bulk_update(batch, ["name_sort_key"])


class Migration(migrations.Migration):
    dependencies = [("honours", "0005_person_name_sort_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
