"""A broken config gives one clear line naming the file, the key and the problem."""

import pytest

from core.config import ConfigError, load_config

GOOD_SOURCE = """
[[sources]]
name = "oxfordshire"
type = "moderngov"
base_url = "https://mycouncil.oxfordshire.gov.uk"
"""


def load(tmp_path, text):
    path = tmp_path / "councilwatch.toml"
    path.write_text(text)
    return load_config(path)


def error(tmp_path, text) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_an_unknown_key_is_named_with_its_source(tmp_path):
    message = error(tmp_path, GOOD_SOURCE + 'shedule = "0 6 * * *"\n')
    assert message.endswith("sources[0] (oxfordshire).shedule: unknown key")


def test_a_bad_cron_expression_is_named(tmp_path):
    message = error(tmp_path, GOOD_SOURCE + 'schedule = "every morning"\n')
    assert "sources[0] (oxfordshire).schedule: not a cron expression" in message


def test_a_missing_source_field_is_named(tmp_path):
    message = error(tmp_path, '[[sources]]\nname = "bucks"\ntype = "moderngov"\n')
    assert message.endswith("sources[0] (bucks).base_url: required key is missing")


def test_the_message_names_the_file(tmp_path):
    message = error(tmp_path, "[database\n")
    assert message.startswith(str(tmp_path / "councilwatch.toml"))


def test_an_unknown_source_type_lists_the_known_ones(tmp_path):
    message = error(tmp_path, '[[sources]]\nname = "x"\ntype = "jadu"\n')
    assert "type must be one of moderngov, news, page" in message


def test_a_subscription_to_an_undefined_topic_is_refused(tmp_path):
    message = error(
        tmp_path, '[[subscriptions]]\nname = "g"\nemail = "a@b.org"\ntopics = ["nope"]\n'
    )
    assert "subscriptions[0].topics: no [topics.nope] table" in message


def test_a_base_url_gains_its_trailing_slash_so_sub_folders_resolve(tmp_path):
    text = GOOD_SOURCE.replace("oxfordshire.gov.uk", "southampton.gov.uk/modernGov")
    config = load(tmp_path, text)
    assert (
        config.source("oxfordshire").base_url == "https://mycouncil.southampton.gov.uk/modernGov/"
    )


def test_the_starter_config_is_valid_and_names_the_real_councils():
    import tomllib
    from importlib.resources import files

    from core.config import Config

    data = tomllib.loads(files("councilwatch").joinpath("starter.toml").read_text())
    config = Config.model_validate(data)
    urls = {s.name: getattr(s, "base_url", None) for s in config.sources}
    assert urls["oxfordshire"] == "https://mycouncil.oxfordshire.gov.uk/"
    assert urls["buckinghamshire"] == "https://buckinghamshire.moderngov.co.uk/"
