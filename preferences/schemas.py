from typing import Annotated

from pydantic import Field

from kernel.schemas import BodySchema, Schema

SettingValue = Annotated[
    str | None,
    Field(max_length=500, description='null leaves the setting unchanged; "" resets it.'),
]


class SettingsOut(Schema):
    currency_code: str
    date_format: str
    number_style: str


class SettingsIn(BodySchema):
    currency_code: SettingValue = None
    date_format: SettingValue = None
    number_style: SettingValue = Field(
        None,
        description='One of the number styles of docs/api.md §2.5, such as "de_DE"; "" resets it.',
    )


class SettingOut(Schema):
    key: str
    value: str
