"""Strict YAML reading: safe types only, duplicate keys refused, errors that
name the file and the line. PyYAML silently keeps the last of two equal keys;
a registry cannot afford that, so the loader refuses them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_DEPTH = 100  # a mapping file is five levels deep; the JSON parser of the server stops near 1,000
MAX_VALUES = 1_000_000  # counted as expanded: YAML aliases can make a small file hold billions


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys in any mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(
                None, None, "merge keys (<<) are not supported: write the entries out", key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a scalar", key_node.start_mark) from None
        if key in seen:
            first = seen[key].start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first defined on line {first})", key_node.start_mark)
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_mapping(path: str | Path, *, max_bytes: int = 10 * 1024 * 1024) -> dict:
    """Read one YAML file whose top level is a mapping.

    Raises InputError naming the file (and line, where YAML knows it) for a
    missing or unreadable file, invalid YAML, duplicate keys, or a top level
    that is not a mapping.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():  # a mapping file is one connector's: a directory's are given one by one
            raise InputError(f"is a directory, not a mapping file (give its files: {p}/*.yaml)", where=str(p))
        if not p.is_file():
            raise InputError("not a regular file", where=str(p))
        if size > max_bytes:
            raise InputError(f"file is {size} bytes, over the {max_bytes}-byte limit", where=str(p))
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", where=str(p)) from None
    except PermissionError:
        raise InputError("permission denied", where=str(p)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", where=str(p)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", where=str(p)) from None
    except OSError as exc:  # a path through a file, a symlink loop, a name too long, ...
        raise InputError(exc.strerror or str(exc), where=str(p)) from None
    data = parse_yaml(text, str(p))
    if data is None:
        raise InputError("file is empty", where=str(p))
    if not isinstance(data, dict):
        raise InputError(f"top level must be a mapping, got a {type(data).__name__}", where=str(p))
    return data


def parse_yaml(text: str, where: str) -> object:
    """YAML text read strictly (safe types, no duplicate keys) and checked to
    be what JSON can carry (_json_ready); None for an empty document. Every
    YAML the glue reads goes through here. Raises InputError naming `where`
    and the line."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}: " if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        if "\t" in problem or "found character '\\t'" in str(exc):
            where_tab = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
            problem = ("tab character; YAML indentation must use spaces"
                       if where_tab[:len(where_tab) - len(where_tab.lstrip())].count("\t")
                       else f"tab character at column {mark.column + 1 if mark else '?'} (YAML allows none here)")
        raise InputError(f"{line}invalid YAML: {problem}", where=where) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", where=where) from None
    except RecursionError:
        raise InputError(f"invalid YAML: nested too deeply (over {MAX_DEPTH} levels)", where=where) from None
    return None if data is None else _json_ready(data, where)


def _json_ready(data: object, where: str) -> object:
    """The document, checked to be what JSON can carry: text keys only (YAML
    reads unquoted yes/no/on/off, numbers, dates and ~ as other types; as
    text two of them could collide), no NaN or infinity (JSON has none), no
    NUL character (PostgreSQL's text has none), no binary or set values, at
    most MAX_DEPTH levels and MAX_VALUES values once aliases are expanded.
    Dates and timestamps stay (to_json writes them as text). Anything else
    is refused naming the file and the key path."""
    count = 0

    def walk(value: object, path: str, depth: int) -> object:
        nonlocal count
        count += 1
        if count > MAX_VALUES:
            raise InputError(f"more than {MAX_VALUES:,} values once YAML aliases are expanded", where=where)
        if depth > MAX_DEPTH:
            raise InputError(f"invalid YAML: nested too deeply (over {MAX_DEPTH} levels) at {path}", where=where)
        if isinstance(value, dict):
            for k in value:
                if not isinstance(k, str):
                    raise InputError(f"key {_as_written(k)} at {path or 'the top level'} is not text: quote it "
                                     f"(YAML reads unquoted yes/no/on/off, ~, numbers and dates as other types)",
                                     where=where)
                if "\x00" in k:
                    raise InputError(f"a key at {path or 'the top level'} holds a NUL character", where=where)
            return {k: walk(v, f"{path}.{k}" if path else k, depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{path}: {value} is not a number JSON can carry", where=where)
        if isinstance(value, str) and "\x00" in value:
            raise InputError(f"{path}: a NUL character is not allowed in text", where=where)
        if isinstance(value, (bytes, set)):
            raise InputError(f"{path}: a {'binary' if isinstance(value, bytes) else 'set'} value "
                             f"(!!{'binary' if isinstance(value, bytes) else 'set'}) is not allowed", where=where)
        return value

    return walk(data, "", 0)


def _as_written(key: object) -> str:
    """A non-text key as the file most likely spelt it."""
    if key is True or key is False:
        return f"{str(key).lower()} (or yes/no, on/off)"
    if key is None:
        return "~ (null)"
    return str(key)


def to_json(data: object) -> str:
    """Serialise parsed YAML for a json/jsonb parameter. YAML scalars that
    JSON lacks (dates, timestamps) are passed as their text, so the database
    can name them in its error instead of the glue guessing what they meant."""
    return json.dumps(data, default=str, ensure_ascii=False)
