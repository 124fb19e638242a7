"""The honouring vote becomes an encrypted ballot (issue 13).

Counters on the vote's row and timestamped voter rows are gone: ballots are stored encrypted, voter
rows get random ids and no time. A vote still open under the old scheme cannot be converted (its
running counts are exactly the leak being removed, and it has no trustee keys): it is deleted with
its voter rows, and the secretariat opens it again with the trustees. Closed votes keep their
published counts.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_open_votes(apps, schema_editor):
    HonourVote = apps.get_model("cycle", "HonourVote")
    HonourVote.objects.filter(state="open").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cycle", "0001_initial"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_open_votes, migrations.RunPython.noop),
        migrations.DeleteModel(name="VoterRecord"),
        migrations.AlterField(
            model_name="honourvote",
            name="state",
            field=models.CharField(
                choices=[
                    ("setup", "Chờ đại diện Bộ đặt cụm mật khẩu"),
                    ("open", "Đang bỏ phiếu"),
                    ("tallying", "Chờ đại diện Bộ kiểm phiếu"),
                    ("closed", "Đã kết thúc"),
                ],
                default="setup",
                max_length=8,
            ),
        ),
        migrations.AlterField(
            model_name="honourvote",
            name="yes",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="honourvote",
            name="no",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="honourvote",
            name="abstain",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="honourvote",
            name="key_salt",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="honourvote",
            name="secretariat_share",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="honourvote",
            name="ministry_share",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="honourvote",
            name="ministry_trustee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="honourvote",
            name="public_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="honourvote",
            name="aggregate",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.AddField(
            model_name="honourvote",
            name="secretariat_partial",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.AddField(
            model_name="honourvote",
            name="ministry_partial",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.CreateModel(
            name="VoterRecord",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "cast_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                    ),
                ),
                (
                    "vote",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="voters",
                        to="cycle.honourvote",
                    ),
                ),
            ],
            options={
                "verbose_name": "đơn vị đã biểu quyết",
                "verbose_name_plural": "đơn vị đã biểu quyết",
                "constraints": [
                    models.UniqueConstraint(fields=("vote", "unit"), name="one_ballot_per_unit")
                ],
            },
        ),
        migrations.CreateModel(
            name="Ballot",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("ciphertexts", models.JSONField(editable=False)),
                (
                    "receipt",
                    models.CharField(
                        editable=False, max_length=64, unique=True, verbose_name="mã biên nhận"
                    ),
                ),
                (
                    "vote",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ballots",
                        to="cycle.honourvote",
                    ),
                ),
            ],
            options={
                "verbose_name": "phiếu biểu quyết (đã mã hóa)",
                "verbose_name_plural": "phiếu biểu quyết (đã mã hóa)",
                "ordering": ["receipt"],
            },
        ),
    ]
