import factory
from django.contrib.auth import get_user_model

from accounts.models import ApiToken, Membership, Role
from accounts.services import api_token_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token made by the real service; its raw value is kept on `token.raw` for the test.

    Other field values (revoked_at, last_used_at, prefix) are written afterwards, to set up states
    the service reaches only over time.
    """

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Script {n}")

    @classmethod
    def _create(cls, model_class, *, user, name, **fields):
        token, raw = api_token_create(user=user, name=name)
        if fields:
            model_class.objects.filter(pk=token.pk).update(**fields)
            token.refresh_from_db()
        token.raw = raw
        return token


class MemberFactory(UserFactory):
    """An account with a role in the household: an editor unless `role=` says otherwise.

    An account without a role is a plain `UserFactory()`.
    """

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            Membership.objects.update_or_create(
                user=user, defaults={"role": extracted or Role.EDITOR}
            )
