"""`vpndiag watch` behind the thin command module: resolve, watch with a live view on stderr, write the report."""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

from diag.errors import ProbeError, VpndiagError
from diag.i18n.watch import WATCH
from diag.watch.adapters import adapter_for
from diag.watch.echo import icmp_allowed
from diag.watch.fit import path_measurer
from diag.watch.render import sample_line
from diag.watch.report import watch_report
from diag.watch.sampler import MIN_INTERVAL_S, WatchPlan, run_watch
from diag.watch.timeline import Sample
from reports.i18n import Lang, detect_lang
from reports.model import Report, WatchEvent


def resolve(host: str, lang: Lang) -> str:
    """One address for `host`, resolved once at the start so every sample probes the same machine."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ProbeError(WATCH.text("unresolvable", lang, host=host, reason=exc)) from None
    return str(infos[0][4][0])


def _profile_defaults(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """--target / --vpn-server from the provider profile when it names exactly one VPN server."""
    target, server = args.target, args.vpn_server
    if target is None and server is None:
        from diag.profile import load_profile

        servers = load_profile().vpn_servers
        if len(servers) == 1:
            return servers[0].tunnel_target, servers[0].host
    return target, server


def build_plan(args: argparse.Namespace, lang: Lang) -> WatchPlan:
    if args.interval < MIN_INTERVAL_S or args.minutes < 0:
        raise ProbeError(WATCH.text("bad_timing", lang, minimum=f"{MIN_INTERVAL_S:g}"))
    target_name, server_name = _profile_defaults(args)
    if target_name is None and server_name is None:
        raise ProbeError(WATCH.text("no_target", lang))
    target = resolve(target_name, lang) if target_name else None
    server = resolve(server_name, lang) if server_name else None
    if not any(icmp_allowed(4 if ":" not in address else 6) for address in (target, server) if address):
        raise ProbeError(WATCH.text("no_permission", lang))
    adapter = args.adapter or (adapter_for(target) if target else None)
    return WatchPlan(
        interval_s=args.interval,
        duration_s=args.minutes * 60 if args.minutes > 0 else None,
        target=target,
        vpn_server=server,
        adapter=adapter,
        tunnel_mtu=args.tunnel_mtu,
    )


def write_report(report: Report, destination: str | None, lang: Lang) -> None:
    text = report.model_dump_json(indent=2)
    if destination == "-":
        sys.stdout.write(text + "\n")
        return
    if destination:
        try:
            Path(destination).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise VpndiagError(WATCH.text("cannot_write", lang, path=destination, reason=exc.strerror)) from None
        print(WATCH.text("report_written", lang, path=destination), file=sys.stderr)
        return
    from diag.summary import render_text

    print(render_text(report, lang))


async def _watch(plan: WatchPlan, lang: Lang) -> tuple[Report, int]:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def request_stop() -> None:
        if not stop.is_set():
            print(WATCH.text("tui_stopping", lang), file=sys.stderr, flush=True)
        stop.set()

    # Ctrl-C (and a polite kill) end the watch after the current sample; the report is still written.
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, request_stop)
        except (NotImplementedError, RuntimeError):  # Windows event loops have no signal handlers
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(request_stop))

    def live(events: list[WatchEvent], sample: Sample | None) -> None:
        if sample is not None:
            print(sample_line(sample, lang), file=sys.stderr, flush=True)
        for event in events:
            if event.kind == "tunnel_fit":
                largest = int(event.value) if event.value is not None else "?"
                print(WATCH.text("fit_measured", lang, largest=largest), file=sys.stderr, flush=True)

    started_at = datetime.now(UTC)
    if plan.duration_s is None:
        print(WATCH.text("started_forever", lang, interval=f"{plan.interval_s:g}"), file=sys.stderr)
    else:
        minutes = f"{plan.duration_s / 60:g}"
        print(WATCH.text("started", lang, minutes=minutes, interval=f"{plan.interval_s:g}"), file=sys.stderr)
    result = await run_watch(plan, stop=stop, on_events=live, measure_path_fn=path_measurer(lang))
    print(WATCH.text("stopped", lang, samples=result.samples), file=sys.stderr)
    report = watch_report(plan, result, lang=lang, vpn_server_name=plan.vpn_server, started_at=started_at)
    return report, 130 if result.interrupted else 0


def run_watch_command(args: argparse.Namespace) -> int:
    lang: Lang = args.lang or detect_lang()
    plan = build_plan(args, lang)
    report, status = asyncio.run(_watch(plan, lang))
    write_report(report, args.json, lang)
    # A watch stopped by Ctrl-C still wrote its report; it is a normal end, not a failure.
    return 0 if status in (0, 130) else status
