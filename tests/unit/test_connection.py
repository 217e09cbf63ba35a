"""Connection resolution: resource, then stack config, then environment; cloud ids; safety."""

from __future__ import annotations

import base64

import pytest

from pulumi_inference.connection import (
    Connection,
    decode_cloud_id,
    resolve_connection,
    strip_userinfo,
)
from pulumi_inference.errors import ConfigurationError


def test_resource_connection_wins_over_config_and_environment() -> None:
    """REQ-CONN-1: the resource's connection first."""
    resolved = resolve_connection(
        {"url": "https://declared:9200", "api_key": "declared-key"},
        {"elasticsearch:url": "https://config:9200", "elasticsearch:apiKey": "config-key"},
        {"ELASTICSEARCH_URL": "https://env:9200", "ELASTICSEARCH_API_KEY": "env-key"},
    )
    assert (resolved.url, resolved.api_key) == ("https://declared:9200", "declared-key")


def test_stack_config_wins_over_environment() -> None:
    """REQ-CONN-1: then stack config."""
    resolved = resolve_connection(
        None,
        {
            "elasticsearch:url": "https://config:9200",
            "elasticsearch:username": "u",
            "elasticsearch:password": "p",
        },
        {"ELASTICSEARCH_URL": "https://env:9200", "ELASTICSEARCH_API_KEY": "env-key"},
    )
    assert resolved.url == "https://config:9200"
    assert (resolved.username, resolved.password, resolved.api_key) == ("u", "p", None)


def test_environment_variables_elastic_tools_use() -> None:
    """REQ-CONN-1: then the ELASTICSEARCH_* environment."""
    resolved = resolve_connection(
        None,
        {},
        {
            "ELASTICSEARCH_ENDPOINTS": "http://a:9200, http://b:9200",
            "ELASTICSEARCH_BEARER_TOKEN": "tok",
        },
    )
    assert resolved.url == "http://a:9200"
    assert resolved.bearer_token == "tok"


def test_credentials_are_taken_whole_from_one_source() -> None:
    # URL from the resource, credentials whole from the first source that has any.
    """REQ-CONN-1: credentials come whole from the first source that has any."""
    resolved = resolve_connection(
        {"url": "http://declared:9200"},
        {"elasticsearch:username": "config-user", "elasticsearch:password": "config-pass"},
        {"ELASTICSEARCH_API_KEY": "env-key"},
    )
    assert resolved.url == "http://declared:9200"
    assert (resolved.username, resolved.password, resolved.api_key) == (
        "config-user",
        "config-pass",
        None,
    )


def test_no_cluster_anywhere_says_how_to_configure_one() -> None:
    """REQ-CONN-1: no source: the error names each way to give one."""
    with pytest.raises(ConfigurationError) as raised:
        resolve_connection(None, {}, {})
    message = str(raised.value)
    assert "elasticsearch:url" in message
    assert "ELASTICSEARCH_URL" in message


def test_url_must_be_http() -> None:
    """REQ-CHECK-3: an http(s) URL only."""
    with pytest.raises(ConfigurationError, match=r"connection\.url"):
        resolve_connection({"url": "es.example.com:9200"}, {}, {})


def test_cloud_id_decodes_like_elastic_cloud() -> None:
    encoded = base64.b64encode(b"us-east-1.aws.found.io$abc123$kib456").decode()
    assert (
        decode_cloud_id(f"my-deployment:{encoded}") == "https://abc123.us-east-1.aws.found.io:443"
    )
    with_port = base64.b64encode(b"eu-west-1.aws.found.io:9243$es1$kb1").decode()
    assert decode_cloud_id(f"name:{with_port}") == "https://es1.eu-west-1.aws.found.io:9243"
    resolved = resolve_connection({"cloud_id": f"my-deployment:{encoded}"}, {}, {})
    assert resolved.url == "https://abc123.us-east-1.aws.found.io:443"


def test_bad_cloud_id_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="cloud_id"):
        decode_cloud_id("name:%%%")


def test_secrets_never_in_repr_or_display_url() -> None:
    """REQ-SECRET-2: credentials stay out of repr and the URL shown."""
    resolved = resolve_connection(
        {
            "url": "https://user:hunter22@es:9200",
            "username": "user",
            "password": "hunter22",
            "api_key": "k3y-value",
        },
        {},
        {},
    )
    assert "hunter22" not in repr(resolved)
    assert "k3y-value" not in repr(resolved)
    assert resolved.display_url == "https://es:9200"
    assert strip_userinfo("http://a:b@h:1/p") == "http://h:1/p"
    assert {"hunter22", "k3y-value"} <= set(resolved.secret_values())


def test_connection_props_keep_only_declared_fields() -> None:
    props = Connection("https://es:9200", api_key="k").to_props()
    assert props == {"url": "https://es:9200", "api_key": "k"}
    assert Connection(verify_certs=False).to_props() == {"verify_certs": False}


def test_insecure_setting_from_config_or_env() -> None:
    """REQ-CONN-1: TLS settings from config or environment."""
    assert (
        resolve_connection(
            None, {"elasticsearch:url": "https://x", "elasticsearch:insecure": "true"}, {}
        ).verify_certs
        is False
    )
    assert (
        resolve_connection(
            None, {}, {"ELASTICSEARCH_URL": "https://x", "ELASTICSEARCH_INSECURE": "1"}
        ).verify_certs
        is False
    )
    assert resolve_connection(None, {}, {"ELASTICSEARCH_URL": "https://x"}).verify_certs is True


def test_tls_settings_are_taken_whole_from_one_source() -> None:
    """REQ-CONN-1: a CA on the resource is not mixed with config's fingerprint or insecure
    flag, nor with the environment's client certificate."""
    fingerprint = "AB" * 32
    config = {"elasticsearch:sslAssertFingerprint": fingerprint, "elasticsearch:insecure": "true"}
    environ = {"ELASTICSEARCH_CLIENT_CERT": "/env/client.pem"}
    declared = resolve_connection(
        {"url": "https://declared:9200", "ca_certs": "/declared/ca.pem"}, config, environ
    )
    assert (
        declared.ca_certs,
        declared.ssl_assert_fingerprint,
        declared.verify_certs,
        declared.client_cert,
    ) == ("/declared/ca.pem", None, True, None)
    from_config = resolve_connection({"url": "https://declared:9200"}, config, environ)
    assert (
        from_config.ca_certs,
        from_config.ssl_assert_fingerprint,
        from_config.verify_certs,
        from_config.client_cert,
    ) == (None, fingerprint, False, None)


def test_every_listing_of_the_connection_fields_follows_the_one_table() -> None:
    """Connection's parameters and docs, the resolved ClusterConnection, stack config keys and
    the native schema all come from (or are checked against) connection.FIELDS."""
    import dataclasses
    import inspect

    from pulumi_inference import connection as conn
    from pulumi_inference.native._schema import schema

    parameters = list(inspect.signature(conn.Connection.__init__).parameters)[1:]
    assert sorted(parameters) == sorted(conn.ALL_FIELDS)
    assert all(f":param {name}:" in (conn.Connection.__doc__ or "") for name in conn.ALL_FIELDS)
    resolved = {f.name for f in dataclasses.fields(conn.ClusterConnection)} - {"settings"}
    assert resolved == set(conn.ALL_FIELDS) - {"cloud_id"}  # a cloud id resolves to the url
    assert {f.config_key for f in conn.CONFIG_FIELDS} == conn.PROVIDER_CONFIG_KEYS
    assert "insecure" in conn.PROVIDER_CONFIG_KEYS
    config = schema()["config"]["variables"]
    assert set(config) == set(conn.PROVIDER_CONFIG_KEYS)


def test_insecure_from_config_or_environment_turns_verification_off() -> None:
    from pulumi_inference.connection import resolve_connection

    url = {"url": "https://es.example.com:9200"}
    by_config = resolve_connection(url, {"elasticsearch:insecure": "true"}, {})
    by_env = resolve_connection(url, {}, {"ELASTICSEARCH_INSECURE": "true"})
    stated = resolve_connection(
        url, {"elasticsearch:insecure": "true", "elasticsearch:verifyCerts": "true"}, {}
    )
    assert by_config.verify_certs is False and by_env.verify_certs is False
    assert stated.verify_certs is True  # an explicit verifyCerts wins over insecure


def test_each_setting_is_named_as_the_user_wrote_it_where_it_came_from() -> None:
    """Messages name the setting to fix in the user's own words (issue 30): the program's
    ``connection.ca_certs``, the stack key ``elasticsearch:caCerts``, the native provider's
    ``elasticsearch-inference:caCerts``, the variable ``ELASTICSEARCH_CA_FILE``; a setting not
    given is named where it would go beside the URL."""
    from pulumi_inference.connection import resolve_connection

    declared = resolve_connection({"url": "https://a:9200", "api_key": "k"}, {}, {})
    assert declared.location_setting == "connection.url"
    assert declared.credentials_setting == "connection.api_key"
    assert declared.setting("ca_certs") == "connection.ca_certs"

    config = {"elasticsearch:url": "https://a:9200", "elasticsearch:caCerts": "/ca.pem"}
    mixed = resolve_connection({}, config, {"ELASTICSEARCH_API_KEY": "k"})
    assert mixed.location_setting == "elasticsearch:url"
    assert mixed.setting("ca_certs") == "elasticsearch:caCerts"
    assert mixed.credentials_setting == "ELASTICSEARCH_API_KEY"

    native = resolve_connection({}, {"url": "https://a:9200", "apiKey": "k"}, {}, namespace=None)
    assert native.location_setting.startswith("elasticsearch-inference:url (stack config)")
    assert "apiKey/api_key" in native.credentials_setting

    env = {
        "ELASTICSEARCH_ENDPOINTS": "https://a:9200,https://b:9200",
        "ELASTICSEARCH_USERNAME": "u",
        "ELASTICSEARCH_PASSWORD": "p",
    }
    by_env = resolve_connection({}, {}, env)
    assert by_env.location_setting == "ELASTICSEARCH_ENDPOINTS"
    assert by_env.credentials_setting == "ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD"
    assert by_env.setting("ca_certs") == "ELASTICSEARCH_CA_FILE"

    cloud = resolve_connection({}, {"elasticsearch:cloudId": _cloud_id()}, {})
    assert cloud.location_setting == "elasticsearch:cloudId"
    flags = resolve_connection({"url": "https://a:9200"}, {}, {}, declared_as="{flag}")
    assert flags.location_setting == "--url"


def _cloud_id() -> str:
    import base64

    return "dep:" + base64.b64encode(b"es.example.com$abc123$kib456").decode()
