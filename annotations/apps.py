from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"

    def ready(self) -> None:
        from annotations import newsroom, receivers  # noqa: F401  (receivers connect on import)

        newsroom.register()
