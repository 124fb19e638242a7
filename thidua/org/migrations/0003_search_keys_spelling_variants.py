"""Search keys now fold spelling variants ("sỹ"/"sĩ", "Daklak"/"Đắc Lắc"/"Đắk Lắk"): recompute the
stored keys of units and their aliases with the one normaliser (engine/text.search_key)."""

from django.db import migrations

from thidua.engine import text


def recompute(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    UnitAlias = apps.get_model("org", "UnitAlias")
    units = list(Unit.objects.only("pk", "short_name", "name", "search_key"))
    for unit in units:
        unit.search_key = text.search_key(f"{unit.short_name} {unit.name}")
    Unit.objects.bulk_update(units, ["search_key"], batch_size=500)
    aliases = list(UnitAlias.objects.only("pk", "name", "search_key"))
    for alias in aliases:
        alias.search_key = text.search_key(alias.name)
    UnitAlias.objects.bulk_update(aliases, ["search_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("org", "0002_unit_kinds_academy_command_subordinate")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
