import pytest

from infra.config import BOT_SCOPES, ConfigError, Settings, Transport, load_settings


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]


def test_single_workspace_http_is_fine() -> None:
    make(slack_bot_token="xoxb-1", slack_signing_secret="s").check(Transport.HTTP)


def test_oauth_http_is_fine() -> None:
    s = make(slack_client_id="1.2", slack_client_secret="x", slack_signing_secret="s")
    s.check(Transport.HTTP)
    assert s.oauth


def test_socket_mode_is_fine_without_signing_secret() -> None:
    make(slack_bot_token="xoxb-1", slack_app_token="xapp-1").check(Transport.SOCKET)


@pytest.mark.parametrize(
    ("values", "transport", "names"),
    [
        ({"slack_bot_token": "xoxb-1"}, Transport.HTTP, "SLACK_SIGNING_SECRET"),
        ({"slack_signing_secret": "s"}, Transport.HTTP, "SLACK_BOT_TOKEN"),
        (
            {"slack_bot_token": "xoxb-1", "slack_client_id": "1", "slack_client_secret": "x"},
            Transport.HTTP,
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID",
        ),
        (
            {"slack_client_id": "1", "slack_signing_secret": "s"},
            Transport.HTTP,
            "SLACK_CLIENT_SECRET",
        ),
        ({"slack_bot_token": "xoxp-1", "slack_signing_secret": "s"}, Transport.HTTP, "xoxb-"),
        ({"slack_bot_token": "xoxb-1"}, Transport.SOCKET, "SLACK_APP_TOKEN"),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xoxb-2"}, Transport.SOCKET, "xapp-"),
        ({"slack_app_token": "xapp-1"}, Transport.SOCKET, "SLACK_BOT_TOKEN"),
        (
            {"slack_bot_token": "xoxb-1", "slack_signing_secret": "s", "slack_app_token": "xapp-1"},
            Transport.HTTP,
            "mentorbot socket",
        ),
    ],
)
def test_bad_combinations_name_the_variable(
    values: dict[str, str], transport: Transport, names: str
) -> None:
    with pytest.raises(ConfigError) as err:
        make(**values).check(transport)
    message = str(err.value)
    assert names in message
    assert "\n" not in message


def test_invalid_value_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ConfigError) as err:
        load_settings(_env_file=None)
    assert str(err.value).startswith("PORT:")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mentorbot.db", "not a database URL"),
        ("postgresql+asyncpg://bot:hunter2@db:five/mentorbot", "not a database URL"),
        ("postgresql+nosuchdriver://bot:hunter2@db/mentorbot", "'postgresql+nosuchdriver'"),
        ("postgres://bot:hunter2@db/mentorbot", "'postgres'"),  # no driver named
        ("sqlite:///./mentorbot.db", "'sqlite'"),  # not an asyncio driver
        ("mysql+aiomysql://bot:hunter2@db/mentorbot", "'mysql+aiomysql'"),
    ],
)
def test_a_database_url_mentorbot_cannot_use_is_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, url: str, says: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as err:
        load_settings(_env_file=None)
    message = str(err.value)
    assert message.startswith("DATABASE_URL: ") and says in message
    assert "postgresql+asyncpg://" in message  # what to use instead
    assert "\n" not in message and "hunter2" not in message


def test_blank_values_count_as_unset_and_api_url_gets_a_slash() -> None:
    s = make(slack_bot_token="  ", slack_api_url="http://127.0.0.1:9/api")
    assert s.slack_bot_token is None
    assert s.slack_api_url == "http://127.0.0.1:9/api/"


def test_scopes_are_sorted_and_unique() -> None:
    assert list(BOT_SCOPES) == sorted(set(BOT_SCOPES))


def test_the_dashboards_key_is_derived_from_the_apps_secrets_unless_set() -> None:
    one, again, other = (
        make(slack_signing_secret="s1"),
        make(slack_signing_secret="s1"),
        make(slack_signing_secret="s2"),
    )
    # The same on every replica, different per app, never the calendar links' key itself.
    assert one.dashboard_key == again.dashboard_key != other.dashboard_key
    assert one.dashboard_key != one.link_secret.encode() and len(one.dashboard_key) == 32
    assert make(slack_signing_secret="s1", dashboard_secret="mine").dashboard_key == b"mine"


def test_the_dashboards_sign_in_credentials_and_addresses() -> None:
    single = make(slack_bot_token="xoxb-1")
    assert single.dashboard_client is None and single.dashboard_url is None
    assert single.slack_web_url == "https://slack.com"
    own = make(
        slack_bot_token="xoxb-1",
        dashboard_client_id="1.2",
        dashboard_client_secret="x",
        public_url="https://mb.example.com/",
    )
    assert own.dashboard_client == ("1.2", "x")
    assert own.dashboard_url == "https://mb.example.com/dashboard/"
    oauth = make(
        slack_client_id="9.9", slack_client_secret="y", slack_api_url="http://127.0.0.1:8999/api/"
    )
    assert oauth.dashboard_client == ("9.9", "y")
    assert oauth.slack_web_url == "http://127.0.0.1:8999"
