"""The translation layer: complete in both languages, never raising on unknown input."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridmap import i18n, model
from gridmap.i18n import LABELS, LANGS, STRINGS, label, normalize_lang, t

CJK = re.compile(r"[\u4e00-\u9fff]")

MODEL_ENUMS = [
    obj
    for obj in vars(model).values()
    if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
]
ENUM_MEMBERS = [member for enum in MODEL_ENUMS for member in enum]
CHOICE_VALUES = sorted(
    {
        (column.name, value)
        for spec in model.LAYERS.values()
        for column in spec.columns
        for value in column.choices
    }
)


def _has_entry(value: str, field: str | None) -> bool:
    keys = [f"{field}.{value}", value] if field else [value]
    return any(k in LABELS for k in keys)


def test_enums_found():
    assert {"WorkerRole", "UserRole", "RoadClass", "IssueStatus"} <= {
        e.__name__ for e in MODEL_ENUMS
    }
    assert len(CHOICE_VALUES) > 30


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGS), key
    for lang in LANGS:
        assert entry[lang].strip(), (key, lang)


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_label_has_both_languages(key):
    entry = LABELS[key]
    assert set(entry) == set(LANGS), key
    assert CJK.search(entry["zh"]), (key, entry["zh"])
    assert entry["en"].strip()
    assert not CJK.search(entry["en"]), (key, entry["en"])


@pytest.mark.parametrize("member", ENUM_MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.value}")
def test_every_model_enum_value_has_a_label(member):
    assert _has_entry(member.value, None)
    for lang in LANGS:
        text = label(member, lang)
        assert text and text != member.value
    assert CJK.search(label(member, "zh"))


@pytest.mark.parametrize(("field", "value"), CHOICE_VALUES, ids=lambda x: str(x))
def test_every_layer_choice_has_a_label(field, value):
    assert _has_entry(value, field)
    assert CJK.search(label(value, "zh", field=field))
    assert not CJK.search(label(value, "en", field=field))


@pytest.mark.parametrize("layer", sorted(model.LAYERS))
def test_every_layer_name_has_a_label(layer):
    assert f"layer.{layer}" in LABELS
    assert CJK.search(label(layer, "zh", field="layer"))
    assert label(layer, "en", field="layer") != layer


@pytest.mark.parametrize("kind", sorted(set(model.POINT_KINDS.values())))
def test_every_point_kind_has_a_label(kind):
    assert f"kind.{kind}" in LABELS
    assert CJK.search(label(kind, "zh", field="kind"))


def test_known_labels():
    assert label("grid_head", "zh") == "网格长"
    assert label(model.WorkerRole.GRID_HEAD, "en") == "Grid head"
    assert label(model.IssueStatus.CLOSED, "zh") == "结案"
    assert label("boards", "zh", field="layer") == "宣传牌"
    assert label("bins", "zh", field="layer") == "垃圾桶与收集点"
    assert label("issues", "zh", field="layer") == "问题上报"
    assert label("internet_cafes", "zh") == "网吧"


def test_column_decides_ambiguous_values():
    assert label("secondary", "zh", field="level") == "中学"
    assert label("secondary", "zh", field="road_class") == "次干道"
    assert label(model.RoadClass.SECONDARY, "zh") == "次干道"
    assert label("other", "zh", field="category") == "其他垃圾"
    assert label("other", "zh", field="level") == "其他学校"
    # an unknown field falls back to the plain value's label
    assert label("grid_head", "zh", field="no_such_field") == "网格长"


def test_app_strings():
    assert t("app.title") == "gridmap 网格化管理"
    assert t("auth.login", "en") == "Log in"
    assert t("auth.password", "zh") == "密码"
    for key in (
        "auth.logout",
        "auth.username",
        "nav.map",
        "nav.import",
        "nav.settings",
        "settings.language",
    ):
        assert t(key, "zh") != t(key, "en") != key


def test_missing_key_returns_key():
    assert t("no.such.key") == "no.such.key"
    assert t("no.such.key", "en", n=3) == "no.such.key"
    assert label("no_such_value", "en") == "no_such_value"
    assert label(None) == ""


def test_format_fields():
    assert t("auth.logged_in_as", "en", user="li") == "Logged in as li"
    assert t("map.legend.more", "zh", n=5) == "另有 5 项"
    # missing fields leave the text as it is instead of raising
    assert t("auth.logged_in_as", "en") == "Logged in as {user}"
    assert t("auth.logged_in_as", "en", other=1) == "Logged in as {user}"


def test_languages_normalised():
    assert normalize_lang("zh-CN") == "zh"
    assert normalize_lang("en_US") == "en"
    assert normalize_lang("EN") == "en"
    assert normalize_lang(None) == i18n.DEFAULT_LANG == "zh"
    assert normalize_lang("fr") == "zh"
    assert t("auth.login", "fr") == t("auth.login", "zh") == "登录"
    assert label("grid_head", "en-GB") == "Grid head"


@given(
    st.text(max_size=30),
    st.sampled_from([*LANGS, "fr", "", "zh-TW"]),
    st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.integers(), max_size=3),
)
def test_t_never_raises(key, lang, fmt):
    out = t(key, lang, **fmt)
    assert isinstance(out, str)
    if key not in STRINGS:
        assert out == key


@given(st.sampled_from(sorted(STRINGS)), st.sampled_from(LANGS))
def test_t_returns_the_entry(key, lang):
    assert t(key, lang) == STRINGS[key][lang]


def test_escape_markdown_keeps_user_text_text():
    from gridmap.i18n import escape_markdown

    assert escape_markdown("a\n# b") == "a \\# b"
    assert escape_markdown("![x](http://e.cn)") == "\\!\\[x\\]\\(http\\:\u2060//e\\.cn\\)"
    assert escape_markdown("me@example.cn") == "me\u2060\\@example\\.cn"
    assert escape_markdown(3) == "3"
