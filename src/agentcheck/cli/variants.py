"""`agentcheck variants show SCENARIO --seed N`: what one trial's vendor saw under a private
variant (the key from AGENTCHECK_VARIANT_KEY): the user's turns, the tools and parameters under
their shown names, in the order offered, and the look-alike records added to its World. For
reading a trial's evidence against what the vendor really got; never prints the key."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from agentcheck.cli.exits import EXIT_OK
from agentcheck.core.errors import ConfigError


def add_parsers(sub: Any) -> None:
    var = sub.add_parser("variants", help="show what a trial's vendor saw under a private "
                                          "variant (--private-variants)")
    vsub = var.add_subparsers(dest="variants_command", required=True, metavar="ACTION")
    show = vsub.add_parser("show", help="print one trial's variant: user turns, tool and "
                                        "parameter names, look-alike records")
    show.add_argument("scenario", metavar="SCENARIO",
                      help="a scenario file, or a scenario id found under --scenarios")
    show.add_argument("--seed", type=int, required=True, metavar="N",
                      help="the trial's seed (the `seed` of its line in trials.jsonl and of "
                           "its evidence in the report)")
    show.add_argument("--scenarios", type=Path, default=Path("scenarios"), metavar="DIR",
                      help="where to look a scenario id up (default: scenarios)")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    show.set_defaults(handler=show_command)


def _scenario(ref: str, folder: Path) -> Any:
    from agentcheck.scenario.model import load_scenarios

    path = Path(ref)
    by_path = path.suffix in (".yaml", ".yml") or path.is_file()
    scenarios, errors = load_scenarios([path if by_path else folder])
    if by_path and errors:
        raise errors[0]
    found = [s for s in scenarios if by_path or s.id == ref]
    if not found:
        where = f"{folder}" + (f" ({len(errors)} file(s) there have errors)" if errors else "")
        raise ConfigError(f"no scenario {ref!r}: give a scenario file or an id found under "
                          f"{where}")
    return found[0]


def variant_view(scenario: Any, seed: int, key: str) -> dict[str, Any]:
    """One trial's variant as data (what `show` prints)."""
    from agentcheck.scenario.variants import VariantWorld

    world = VariantWorld(scenario, seed, key)
    v = world.variant
    specs = {spec["name"]: spec for spec in world.tool_specs()}

    def params(name: str) -> dict[str, str]:  # in the order the schema shows them
        back = {shown: canon for canon, shown in v.params.get(name, {}).items()}
        shown = specs[v.shown(name)]["parameters"].get("properties") or {}
        return {p: back.get(p, p) for p in shown}

    return {
        "scenario": scenario.id, "seed": seed,
        "user_turns": world.user_turns(),
        "tools": [{"shown": v.shown(name), "canonical": name,
                   "description": specs[v.shown(name)]["description"],
                   "reads_reordered": name in world.reordered,
                   "parameters": params(name)}
                  for name in v.order],
        "lookalikes": [{"collection": la.collection, "like": f"{la.collection}[{la.like}]",
                        "record": la.record} for la in world.lookalikes],
    }


def show_command(args: argparse.Namespace) -> int:
    from agentcheck.scenario.variants import key_fingerprint, variant_key

    key = variant_key(needed_by="variants show (the run's key, to show its variants)")
    view = variant_view(_scenario(args.scenario, args.scenarios), args.seed, key)
    if args.json:
        print(json.dumps({**view, "key_fingerprint": key_fingerprint(key)}, indent=2,
                         ensure_ascii=False))
        return EXIT_OK
    print(f"{view['scenario']}, seed {view['seed']}, key {key_fingerprint(key)}")
    print("\nuser turns:")
    for i, turn in enumerate(view["user_turns"], 1):
        print(f"  {i}. {turn}")
    print("\ntools (in the order offered; shown <- scenario's name):")
    for tool in view["tools"]:
        order = ", records in the variant's order" if tool["reads_reordered"] else ""
        print(f"  {tool['shown']} <- {tool['canonical']}{order}: {tool['description']}")
        for shown, canon in tool["parameters"].items():
            print(f"      {shown} <- {canon}" if shown != canon else f"      {shown}")
    print(f"\nlook-alike records ({len(view['lookalikes'])}):")
    for la in view["lookalikes"]:
        print(f"  {la['collection']} (like {la['like']}): "
              f"{json.dumps(la['record'], ensure_ascii=False)}")
    return EXIT_OK
