"""End-to-end tests of examples/trading_bot.c, the bot that switches to its
fallback model on the monitor's verdict.

The binary is $TRADING_BOT (default build/examples/trading_bot); run with
Debian's python3-pytest:  /usr/bin/python3 -m pytest -q tests/test_trading_bot.py

The bot prints one line per event, a word then key=value fields:
    CHECK bar=640 model=live severity=high action=fallback ... returns=120 sharpe=7.17->-2.03 clean=0
    SWITCH bar=640 to=fallback severity=high action=fallback reason="Model drift: ..."
    SUMMARY bars=1000 change_at=600 switches=1 switch_bars=640 ... pnl_with_fallback=+39.7%

The detection bound. The bot feeds the live model's return of every bar to
the monitor, which judges the latest RETURNS_WINDOW (120) of them once it has
MIN_RETURNS (60), at every --check-every'th bar. The verdict is fallback when
the window's Sharpe ratio is negative (or its drawdown 10 points worse than
the validation period's). After the change the live model loses on average
(per-bar Sharpe about -0.4), so by the first check whose window holds only
returns from after the change — bar max(change + 119, 60) rounded up to the
check grid — the window's Sharpe is negative with overwhelming probability
(its standard error over 120 returns is 0.09 per bar). The switch may come
earlier (a mixed window already loses), never before the change. The same
reasoning bounds the switch back after --calm-at: the first check whose window
holds only calm returns, then K - 1 more clean checks.
"""
import math
import os
import re
import subprocess

import pytest

BOT = os.path.abspath(os.environ.get("TRADING_BOT", "build/examples/trading_bot"))
RETURNS_WINDOW = 120  # as in examples/trading_bot.c
MIN_RETURNS = 60
FIELD = re.compile(r'(\w+)=("[^"]*"|\S+)')


def run(*args):
    return subprocess.run([BOT, *map(str, args)], capture_output=True, text=True, timeout=300)


def events(stdout):
    """[(word, {key: value})] for every line of the output."""
    out = []
    for line in stdout.splitlines():
        word, _, rest = line.partition(" ")
        out.append((word, {k: v.strip('"') for k, v in FIELD.findall(rest)}))
    return out


def bot(*args):
    """Run the bot (it must succeed); return its events and its switches [(bar, to)]."""
    p = run(*args)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    ev = events(p.stdout)
    assert ev and ev[-1][0] == "SUMMARY", p.stdout[-500:]
    switches = [(int(f["bar"]), f["to"]) for w, f in ev if w == "SWITCH"]
    summary = ev[-1][1]
    assert int(summary["switches"]) == len(switches)
    listed = [] if summary["switch_bars"] == "-" else [int(b) for b in summary["switch_bars"].split(",")]
    assert listed == [bar for bar, _ in switches]
    return ev, switches


def first_full_window_check(start, check_every):
    """First check at which the returns window holds only returns of bars >= start."""
    ready = max(start + RETURNS_WINDOW - 1, MIN_RETURNS)
    return math.ceil(ready / check_every) * check_every


def pnl(text):
    return float(text.rstrip("%"))


@pytest.mark.parametrize("seed,change_at,check_every", [
    (42, 600, 20), (1, 600, 20), (2, 600, 20), (3, 450, 25), (4, 613, 7), (5, 300, 50), (6, 30, 20),
])
def test_switches_to_fallback_after_the_change_and_not_before(seed, change_at, check_every):
    ev, switches = bot("--seed", seed, "--bars", 1000, "--change-at", change_at,
                       "--check-every", check_every)
    assert len(switches) == 1, switches  # the market never calms down again: no switch back
    bar, to = switches[0]
    assert to == "fallback"
    assert bar >= change_at, f"switched at {bar}, before the change at {change_at}"
    bound = first_full_window_check(change_at, check_every)
    assert bar <= bound, f"switched at {bar}, later than the bound {bound}"
    assert bar % check_every == 0  # only at a check

    checks = [f for w, f in ev if w == "CHECK"]
    assert [int(f["bar"]) for f in checks] == list(range(check_every, 1001, check_every))
    # The check that switched said fallback, for high model drift; none before did.
    trigger = next(f for f in checks if int(f["bar"]) == bar)
    assert (trigger["action"], trigger["severity"], trigger["model"]) == ("fallback", "high", "live")
    assert "model" in trigger["drift"].split("+")
    assert all(f["action"] != "fallback" for f in checks if int(f["bar"]) < bar)
    # The window was reset on the switch: the next check counts only new returns.
    after = [f for f in checks if int(f["bar"]) > bar]
    if after:
        assert int(after[0]["returns"]) == check_every and after[0]["model"] == "fallback"
    # The point of it all: the fallback saved money.
    summary = ev[-1][1]
    assert pnl(summary["pnl_with_fallback"]) > pnl(summary["pnl_live_only"])


@pytest.mark.parametrize("seed", [42, 1, 2, 3, 4, 5, 6, 7])
def test_never_switches_without_a_regime_change(seed):
    ev, switches = bot("--seed", seed, "--bars", 1000, "--change-at", 5000)
    assert switches == []
    summary = ev[-1][1]
    assert summary["switches"] == "0" and summary["fallback_bars"] == "0"
    assert summary["pnl_with_fallback"] == summary["pnl_live_only"]
    checks = [f for w, f in ev if w == "CHECK"]
    assert len(checks) == 50
    assert all(f["model"] == "live" and f["action"] != "fallback" for f in checks)


@pytest.mark.parametrize("seed,clean_checks", [(42, 3), (8, 3), (9, 1), (10, 5)])
def test_switches_back_after_clean_checks_once_calm_again(seed, clean_checks):
    change_at, calm_at, every = 600, 900, 20
    ev, switches = bot("--seed", seed, "--bars", 1500, "--change-at", change_at, "--calm-at", calm_at,
                       "--clean-checks", clean_checks)
    assert [to for _, to in switches] == ["fallback", "live"], switches
    out_bar, back_bar = switches[0][0], switches[1][0]
    assert change_at <= out_bar <= first_full_window_check(change_at, every)
    assert calm_at + (clean_checks - 1) * every < back_bar
    assert back_bar <= first_full_window_check(calm_at, every) + (clean_checks - 1) * every
    # Clean = continue or watch with the performance actually judged, K checks in a row.
    on_fallback = [f for w, f in ev if w == "CHECK" and out_bar < int(f["bar"]) <= back_bar]
    assert all(f["model"] == "fallback" for f in on_fallback)
    last = on_fallback[-clean_checks:]
    assert all(f["action"] in ("continue", "watch") and f["model_status"] == "ok" for f in last)
    assert [int(f["clean"]) for f in last] == list(range(1, clean_checks + 1))
    assert all(f["model_status"] != "ok" or f["action"] not in ("continue", "watch")
               for f in on_fallback[:-clean_checks] if f["clean"] == "0")
    summary = ev[-1][1]
    assert int(summary["fallback_bars"]) == back_bar - out_bar


def test_quiet_prints_switches_and_summary_only():
    p = run("--quiet")
    assert p.returncode == 0 and p.stderr == ""
    words = [w for w, _ in events(p.stdout)]
    assert words == ["SWITCH", "SUMMARY"]
    loud = run()
    assert [line for line in loud.stdout.splitlines() if not line.startswith(("CHECK", "CONFIG"))] \
        == p.stdout.splitlines()


def test_same_seed_same_run():
    assert run("--seed", 7).stdout == run("--seed", 7).stdout
    assert run("--seed", 7).stdout != run("--seed", 8).stdout


@pytest.mark.parametrize("args", [
    ["--bogus"], ["--bars"], ["--bars", "0"], ["--bars", "abc"], ["--bars", "12x"],
    ["--bars", "-5"], ["--check-every", "0"], ["--seed", "-1"], ["--clean-checks", ""],
    ["--bars", "99999999"], ["extra"],
])
def test_bad_options_exit_3(args):
    p = run(*args)
    assert p.returncode == 3
    assert "trading_bot" in p.stderr or "usage" in p.stderr
    assert "SUMMARY" not in p.stdout


def test_success_exits_0():
    assert run("--bars", 100, "--quiet").returncode == 0
