"""The project's Schema reads a model object's fields in one pass, as ninja's DjangoGetter would."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from ninja import Schema as NinjaSchema
from ninja.schema import DjangoGetter
from pydantic import AliasPath, Field, ValidationError

from kernel.schemas import Schema


class GroupOut(Schema):
    name: str


class UserOut(Schema):
    username: str
    is_staff: bool
    groups: list[GroupOut]  # a related manager
    get_short_name: str  # a method, called
    shouted: str  # a resolver
    nickname: str = "none"  # no such attribute: the default holds

    @staticmethod
    def resolve_shouted(user) -> str:
        return user.username.upper()


class NinjaGroupOut(NinjaSchema):
    name: str


class NinjaUserOut(NinjaSchema):
    username: str
    is_staff: bool
    groups: list[NinjaGroupOut]
    get_short_name: str
    shouted: str
    nickname: str = "none"

    @staticmethod
    def resolve_shouted(user) -> str:
        return user.username.upper()


@pytest.fixture
def user(db):
    user = User.objects.create(username="ada", first_name="Ada", is_staff=True)
    user.groups.add(Group.objects.create(name="owners"), Group.objects.create(name="editors"))
    return user


def test_a_model_object_reads_as_ninja_reads_it(user):
    ours = UserOut.model_validate(user).model_dump()

    assert ours == NinjaUserOut.model_validate(user).model_dump()
    assert ours["shouted"] == "ADA"
    assert ours["get_short_name"] == "Ada"
    assert sorted(group["name"] for group in ours["groups"]) == ["editors", "owners"]
    assert ours["nickname"] == "none"


def test_a_model_object_is_read_without_ninjas_attribute_getter(user, monkeypatch):
    def refuse(getter, name):
        raise AssertionError(f"DjangoGetter asked for {name}")

    monkeypatch.setattr(DjangoGetter, "__getattr__", refuse)

    assert UserOut.model_validate(user).username == "ada"
    with pytest.raises(ValidationError, match="DjangoGetter asked for username"):
        NinjaUserOut.model_validate(user)


def test_dicts_and_other_objects_still_take_ninjas_way():
    assert GroupOut.model_validate({"name": "owners"}).name == "owners"
    assert GroupOut.model_validate(SimpleNamespace(name="editors")).name == "editors"


class AliasedOut(Schema):
    login: str = Field(alias="username")
    first_group: str = Field(validation_alias=AliasPath("groups", 0, "name"))


class NinjaAliasedOut(NinjaSchema):
    login: str = Field(alias="username")
    first_group: str = Field(validation_alias=AliasPath("groups", 0, "name"))


def test_aliases_are_read_as_ninja_reads_them(user):
    ours = AliasedOut.model_validate(user).model_dump()

    assert ours == NinjaAliasedOut.model_validate(user).model_dump()
    assert ours["login"] == "ada"
    assert ours["first_group"] in {"owners", "editors"}


class LoginOut(Schema):
    login: str = Field(alias="username")


def test_a_plain_alias_names_the_attribute_read(user, monkeypatch):
    monkeypatch.setattr(DjangoGetter, "__getattr__", lambda getter, name: name)

    assert LoginOut.model_validate(user).login == "ada"
