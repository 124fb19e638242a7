from django.db import migrations, models


class Migration(migrations.Migration):
    """Records now carry the id of the key whose HMAC their hash is.

    Existing records keep key_id "" and their plain SHA-256: rehashing them here would rewrite the
    very rows whose integrity cannot be proven any more, and backups made before this change must
    still restore. They verify as "legacy" only as the chain's first records; the first keyed
    record links to the last of them, so from then on the keyed MACs cover them too.
    """

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="key_id",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=16, verbose_name="mã khoá ký"
            ),
        ),
    ]
