from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "thidua.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from thidua.audit.files import restrict_sqlite_file

        connection_created.connect(restrict_sqlite_file, dispatch_uid="audit-sqlite-0600")
