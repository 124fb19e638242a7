"""People are listed by given name, then middle name(s), then family name: the stored key
`Person.name_sort_key` (engine/text.person_sort_key_str) replaces the full-name `sort_key`.
0006 fills it for existing rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("honours", "0004_person_search_keys_spelling_variants")]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["name_sort_key", "pk"],
                "verbose_name": "cán bộ, chiến sĩ",
                "verbose_name_plural": "cán bộ, chiến sĩ",
            },
        ),
        migrations.RemoveField(model_name="person", name="sort_key"),
        migrations.AddField(
            model_name="person",
            name="name_sort_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=1000),
            preserve_default=False,
        ),
    ]
