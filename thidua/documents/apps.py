from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "thidua.documents"
    label = "documents"
    verbose_name = "Văn bản, báo cáo"
