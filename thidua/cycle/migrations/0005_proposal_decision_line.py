import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cycle", "0004_review_council_individual_proposals"),
        ("honours", "0002_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="decision_line",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="proposals",
                to="honours.decisionline",
                verbose_name="dòng quyết định khen thưởng",
            ),
        ),
    ]
