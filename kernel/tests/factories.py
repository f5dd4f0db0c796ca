import factory

from kernel.versioning import data_changed


class VersionedModelFactory(factory.django.DjangoModelFactory):
    """Creates household data as some write path would: the data version changes with it.

    The factories write through the ORM, which replaces nothing by itself (kernel/versioning.py);
    the rows they make stand for data a service, an import or the admin wrote, so each creation
    replaces the version, and the dashboard's rollups are rebuilt by their next reader.
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        created = super()._create(model_class, *args, **kwargs)
        data_changed()
        return created
