"""Structured JSON log lines with the request id."""

import json
import logging
import sys

from tongcheng.lib.logs import JsonFormatter, RequestIdFilter, request_id_var


def _record(msg: str = "request", **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("tongcheng.access", logging.INFO, __file__, 1, msg, None, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_it_writes_one_json_object_per_line() -> None:
    line = JsonFormatter().format(_record("请求完成", route="org:area_list", status=200, ms=1.5))
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "INFO"
    assert data["logger"] == "tongcheng.access"
    assert data["message"] == "请求完成"
    assert data["route"] == "org:area_list"
    assert data["status"] == 200
    assert data["ms"] == 1.5
    assert data["time"].endswith("+00:00")
    # Chinese stays readable in the log (ensure_ascii=False).
    assert "请求完成" in line


def test_it_names_the_exception_type_only() -> None:
    try:
        raise ValueError("140403199001011234 is not valid")
    except ValueError:
        record = _record("failed")
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert json.loads(line)["exception"] == "ValueError"
    # The message of an exception may carry personal values: it is not logged.
    assert "140403199001011234" not in line


def test_it_marks_a_record_without_request_id() -> None:
    assert json.loads(JsonFormatter().format(_record()))["request_id"] == "-"


def test_it_adds_the_current_request_id() -> None:
    token = request_id_var.set("abc123")
    try:
        record = _record()
        assert RequestIdFilter().filter(record) is True
    finally:
        request_id_var.reset(token)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "abc123"


def test_it_falls_back_outside_a_request() -> None:
    record = _record()
    RequestIdFilter().filter(record)
    assert record.request_id == "-"  # type: ignore[attr-defined]


def test_it_serialises_unusual_values_as_text() -> None:
    data = json.loads(JsonFormatter().format(_record(user_id=None, extra_obj={1, 2})))
    assert data["user_id"] is None
    assert isinstance(data["extra_obj"], str)
