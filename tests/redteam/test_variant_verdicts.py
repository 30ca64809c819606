"""Private variants (issue 13) in the red-team run: the memoriser, which recognises each public
scenario and replays a stored solution, keeps tier 3 on the public library and drops to what it
really does (nothing: tier 0) under private variants; the memoriser that reads renamed tools
back through the public synonym lists drops only partly (a known limit, marked xfail); every
other vendor run under variants (library_run.VARIANT_VENDORS, one or two per class, and the demo
vendors) gets the verdict it gets without them: the same tier, no flag lost (none gained by a
vendor without flags), a score whose interval overlaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .library_run import DEMOS, VARIANT_KEY, VARIANT_VENDORS, LibraryRun

MEMORISERS = ("memoriser", "memoriser-mapped")
OTHERS = [n for n in (*VARIANT_VENDORS, *DEMOS) if n not in MEMORISERS]


def test_the_memoriser_is_tier_3_on_the_public_library(library: LibraryRun) -> None:
    v = library.verdict("memoriser")
    assert v["tier"] == 3 and v["capability_score"] >= 95, v


def test_the_memoriser_drops_to_what_it_really_does_under_private_variants(
        library: LibraryRun) -> None:
    v = library.variant_verdict("memoriser")
    assert v["tier"] == 0, json.dumps(v)[:2000]
    assert v["capability_score"] <= 5, v["capability_score"]


def test_the_mapped_memoriser_loses_what_the_wording_told_it(library: LibraryRun) -> None:
    """Reading renamed tools back through the public synonym lists, it still recognises a
    scenario by its tool set and the values it reads; what it loses are the scenarios that
    share their tools with others (control groups) and that only the public wording told apart,
    and the look-alikes' wrong records where it guesses among them. Measured on this run: 98.5
    on the public library, 76.1 (tier 2, flagged) under private variants."""
    public, private = library.verdict("memoriser-mapped"), library.variant_verdict(
        "memoriser-mapped")
    assert public["tier"] == 3 and public["capability_score"] >= 95, public
    assert private["tier"] < 3, private
    assert private["capability_score"] <= public["capability_score"] - 15, (
        public["capability_score"], private["capability_score"])


@pytest.mark.xfail(strict=True, reason=(
    "known limit of private variants (issue 13): tool and parameter names drawn from public "
    "synonym lists, beside unchanged descriptions, can be read back, and the public reference "
    "replayed under them; look-alikes never enter the reference's reads (or a competent agent "
    "could be misled), so they cannot stop a replay of it. Only scenarios a vendor has not "
    "seen do"))
def test_the_mapped_memoriser_drops_to_what_it_really_does(library: LibraryRun) -> None:
    v = library.variant_verdict("memoriser-mapped")
    assert v["tier"] == 0 and v["capability_score"] <= 5, v["capability_score"]


@pytest.mark.parametrize("name", OTHERS)
def test_other_vendors_keep_their_verdict_under_private_variants(library: LibraryRun,
                                                                 name: str) -> None:
    public, private = library.verdict(name), library.variant_verdict(name)
    assert private["tier"] == public["tier"], (name, public["tier"], private["tier"],
                                               private.get("tier_reasons"))
    # no flag escapes through a variant; a vendor with none gains none. (A vendor whose
    # behaviour follows the offered tool order may write elsewhere when the order changes: the
    # guesser's invented writes land on other records, collateral_damage beside its flags.)
    assert set(public["flags"]) <= set(private["flags"]), (name, public["flags"],
                                                           private["flags"])
    if not public["flags"]:
        assert not private["flags"], (name, private["flags"])
    lo_a, hi_a = public["capability_ci"]
    lo_b, hi_b = private["capability_ci"]
    assert lo_a <= hi_b and lo_b <= hi_a, (name, public["capability_score"],
                                           private["capability_score"])


def test_the_variants_run_records_the_fingerprint_never_the_key(library: LibraryRun) -> None:
    folder = library.runs["variants"].folder
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert set(run["variants"]) == {"key_fingerprint"}
    for path in Path(folder).rglob("*"):
        if path.is_file():
            assert VARIANT_KEY not in path.read_text(encoding="utf-8", errors="replace"), path
