from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "thidua.org"
    label = "org"
    verbose_name = "Tổ chức: đơn vị, cụm thi đua, tài khoản"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from thidua.lib.pg_arrays import install

        # Bulk inserts' arrays on PostgreSQL escaped without a per-quote regex (lib/pg_arrays.py).
        connection_created.connect(install, dispatch_uid="lib-pg-fast-list-dumper")
