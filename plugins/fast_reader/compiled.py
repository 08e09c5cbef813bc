"""Each theme template compiled once per build, not once per Pelican generator.

Pelican gives every generator its own Jinja `Environment`, and Jinja compiles a template the first
time an environment loads it: the articles generator and the pages generator each compile
base.html and _macros.html (~40 ms of the main process at every build, before any page is
rendered). Jinja's public `bytecode_cache` hook lets environments share the compiled code: at
`generator_init` each generator's environment (unless it already has a cache of its own) gets this
module's in-memory cache, and the first environment to compile a template leaves the code object
there for the others. Every environment still makes its own `Template` from it (`from_code`), with
its own filters, tests and globals bound at run time, exactly as after compiling it itself.

What compiled code depends on is the key: the template's name, file and full source, and every
environment option the lexer, parser, optimizer and code generator read — delimiters, whitespace
options, autoescape, finalize, async, sandboxing, undefined, policies, code generator class, and
each filter and test (whether it exists, how it is called: the compiler fixes `pass_context`/
`pass_environment`; the optimizer may call one on constant arguments). A filter or test is the
same when it is the same function, or a callable of the same class with the same state (Pelican's
per-generator `DateFormatter` and `plugin_enabled` partial). Environments with extensions never share (an
extension may read settings anywhere). The cache lives from `initialized` to `finalized` in memory
only (nothing survives a build); `FAST_TEMPLATE_SHARING = False` turns it off.
Public Jinja and Pelican API only: no tripwire.
"""

from __future__ import annotations

import functools
import types

from jinja2.bccache import Bucket, BytecodeCache
from pelican import signals

from plugins.settings import value_of

_PLAIN_CALLABLES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)


def _callable_key(func) -> object:
    """What makes two filters (or tests) compile alike: the same function, or the same kind of
    callable with equal state; `None` when that cannot be told (never shared then). How Jinja
    calls it (`pass_context`...) is an attribute of the function or of its class, so it is covered."""
    if isinstance(func, _PLAIN_CALLABLES):
        return func
    if isinstance(func, functools.partial):
        state = (func.func, repr(func.args), repr(sorted(func.keywords.items())))
    else:
        state = repr(sorted(vars(func).items())) if hasattr(func, "__dict__") else None
        if state is None or " at 0x" in state:  # an object shown by its address: no equality to go by
            return None
    try:
        hash(state)
    except TypeError:
        return None
    return type(func), state


def _mapping_key(mapping) -> frozenset | None:
    keys = []
    for name, func in mapping.items():
        key = _callable_key(func)
        if key is None:
            return None
        keys.append((name, key))
    return frozenset(keys)


def environment_key(env) -> tuple | None:
    """Everything of `env` its compiled templates depend on; None: do not share its code."""
    if env.extensions:
        return None
    filters, tests = _mapping_key(env.filters), _mapping_key(env.tests)
    if filters is None or tests is None:
        return None
    key = (type(env), env.code_generator_class, env.block_start_string, env.block_end_string,
           env.variable_start_string, env.variable_end_string, env.comment_start_string,
           env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
           env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
           env.optimized, env.is_async, env.autoescape, env.finalize, env.sandboxed, env.undefined,
           frozenset(getattr(env, "intercepted_binops", ())),
           frozenset(getattr(env, "intercepted_unops", ())), filters, tests,
           # folded constants may go through a filter that reads a policy (tojson, truncate)
           repr(sorted(env.policies.items(), key=lambda item: str(item[0]))))
    try:
        hash(key)
    except TypeError:
        return None
    return key


class SharedCode(BytecodeCache):
    """Compiled templates in memory, shared by environments that compile alike."""

    def __init__(self) -> None:
        self.codes: dict[tuple, types.CodeType] = {}

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        # The environment's key is computed at every load (a few dozen per build), not once: a
        # plugin may add a filter after the first template was loaded.
        env_key = environment_key(environment)
        key = None if env_key is None else (name, filename, source, env_key)
        bucket = Bucket(environment, key, "")
        if key is not None:
            bucket.code = self.codes.get(key)
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        if bucket.key is not None:
            self.codes[bucket.key] = bucket.code

    def load_bytecode(self, bucket: Bucket) -> None:  # pragma: no cover - get_bucket does it
        pass

    def dump_bytecode(self, bucket: Bucket) -> None:  # pragma: no cover - set_bucket does it
        pass

    def clear(self) -> None:
        self.codes.clear()


SHARED = SharedCode()


def share(generator) -> None:
    """generator_init: this generator's environment uses the build's shared compiled templates."""
    if value_of(generator.settings, "FAST_TEMPLATE_SHARING") and generator.env.bytecode_cache is None:
        generator.env.bytecode_cache = SHARED


def forget(*_args, **_kwargs) -> None:
    """initialized / finalized: a new build compiles again (a resident process may edit the theme)."""
    SHARED.clear()


def register() -> None:
    signals.initialized.connect(forget)
    signals.generator_init.connect(share)
    signals.finalized.connect(forget)
