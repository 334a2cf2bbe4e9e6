"""Log metrics, params and progress to greenml without a library: append JSON lines to the file
greenml names in GREENML_METRICS_FILE. Outside `greenml run` the functions do nothing."""
import json
import os

_PATH = os.environ.get("GREENML_METRICS_FILE")


def _write(obj):
    if _PATH:
        with open(_PATH, "a", encoding="utf-8") as f:
            f.write(json.dumps(obj) + "\n")


def metric(key, value, step=None):
    _write({"key": key, "value": float(value), "step": step})


def param(key, value):
    _write({"param": key, "value": value})


def progress(epoch, epochs):
    _write({"epoch": epoch, "epochs": epochs})
