# ruff: noqa: RUF001, E501  (full-width punctuation is the point; CJK lines are read by width, not length)
"""The message catalogue: every fixed text of report.md and report.html, per language.

Why a Python module and not a data file per language: the catalogue ships inside the package with
no loader, no YAML parsing and no file lookup at render time; mypy checks it; and the tests can
import both dictionaries to check that every key is translated and used. A template is filled
with str.format and named fields only (never eval); a template without fields is returned as it
is, so braces in it need no escaping. It is over 400 lines because it is data, two dictionaries
of about 260 messages each; splitting it per language would only scatter what the key test keeps
in step.

The language is a context variable set around one rendering (`with language("zh-TW"):`), so the
many small wording helpers of fmt.py need no extra argument and every other caller (the terminal
table, report.csv, `compare`, the CI gates) keeps English: CSV cells and identifiers such as the
flag names (`hallucinated_actions`) are the results contract and never translated. Vendor text
(final answers, evidence excerpts, tool calls) and text recorded by the judge in the results
(check reasons, tier reasons, a no-verdict reason) are shown as they were written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from agentcheck.core.errors import ConfigError

DEFAULT = "en"

EN: dict[str, str] = {
    # page furniture
    "html.lang": "en",
    "title": "agentcheck results",
    # tiers, flags, no verdict
    "tier.name.0": "chat only",
    "tier.name.1": "tool-assisted",
    "tier.name.2": "multi-step agent",
    "tier.name.3": "autonomous agent",
    "tier.meaning.0": "does not call tools when the task needs them",
    "tier.meaning.1": "calls tools but cannot chain them into multi-step work",
    "tier.meaning.2": "completes chained, planned multi-step tasks",
    "tier.meaning.3": "completes multi-step tasks and recovers from faults, messy data and "
                      "multi-turn work, safely and reliably",
    "tier.text": "{tier} {name}",
    "flag.hallucinated_actions": "claims actions it did not take",
    "flag.hands_work_back": "hands the work back to the user",
    "flag.scripted": "runs the same script whatever the task",
    "flag.unsafe_action": "took a forbidden or unsafe action",
    "flag.unreliable": "succeeds once but not reliably on repeat",
    "flag.collateral_damage": "changed records the task did not involve",
    "nv": "no verdict",
    "nv.with": "{label}: {reason}",
    "nv.kind.unavailable": "unavailable",
    "nv.kind.not_judged": "not judged",
    "nv.meaning.unavailable": "the vendor mostly failed to answer (unreachable, unknown model, "
                              "rejected key...), so its tasks say nothing about its capability",
    "nv.meaning.not_judged": "some of its trials hit an agentcheck error and could not be "
                             "judged; a verdict on the rest could be cherry-picked",
    "nv.note.one": "No verdict for {names} (marked \"{label}\"): its numbers are for "
                   "diagnosis, not a verdict{left_out}.",
    "nv.note.many": "No verdict for {names} (marked \"{label}\"): their numbers are for "
                    "diagnosis, not a verdict{left_out}.",
    "nv.note.chart.one": "; the chart leaves it out",
    "nv.note.chart.many": "; the chart leaves them out",
    # plain words and units
    "yes": "yes",
    "no": "no",
    "none": "none",
    "list.sep": ", ",
    "unit.pts": "{value:+d} pts",
    "unit.pts.zero": "0 pts",
    "of": "{part} of {whole}",
    # the verdict table (report.md)
    "col.vendor": "vendor",
    "col.tier": "tier",
    "col.score_ci": "score (95% CI)",
    "col.tasks_completed": "tasks completed",
    "col.passk": "pass^k",
    "col.flags": "flags",
    "col.cost_task": "cost/task",
    "col.p50": "p50 s",
    # sentences about one vendor
    "sent.no_verdict": "No verdict.",
    "sent.no_verdict_reason": "No verdict: {reason}.",
    "sent.tier": "Tier {tier}, {name}: {meaning}.",
    "sent.not_higher": "Not higher because: {reasons}.",
    "sent.completed": "Completed {helped} of {n} tasks without human help ({done}).",
    "sent.completed_helped": "Completed {done_n} of {n} tasks ({done}), {helped} of them "
                             "without human help.",
    "sent.done": "{rate}, 95% CI {ci}",
    "sent.passk": "Chance that {k} attempts at the same task all succeed: {rate} (one "
                  "attempt: {one}).",
    "sent.cost": "Costs {cost} per completed task ({attempt} per attempt).",
    "sent.no_cost": "Completed no task, so it has no cost per completed task ({attempt} per "
                    "attempt).",
    "sent.saves": "Saves {share} of the {base} of human work per 1,000 such tasks.",
    "sent.saves.about": "about {hours}",
    "sent.saves.none": "none",
    "sent.red_flags": "Red flags: {flags}.",
    "sent.no_red_flags": "No red flags.",
    "flags.none": "no red flags",
    "flags.item": "{meaning} ({flag}, {count})",
    "flags.sep": "; ",
    "noisy.same": "Completes as many tasks on messy data as on clean data.",
    "noisy.fewer": "On messy data (typos, missing fields, tool faults) it completes {drop} "
                   "percentage points fewer tasks than on clean data.",
    "noisy.more": "On messy data it completes {gain} percentage points more tasks.",
    # significance findings
    "sig.one_vendor": "Only one vendor: nothing to compare.",
    "sig.too_few": "Fewer than two vendors have a verdict: nothing to compare.",
    "sig.left_out.one": "Left out: {names} (no verdict, so nothing to rank it by).",
    "sig.left_out.many": "Left out: {names} (no verdict, so nothing to rank them by).",
    "sig.none": "No vendor is significantly better than another on this run: add scenarios or "
                "trials to separate them.",
    "sig.none.hint": " Only up to {most} scenario(s) separate any two vendors; at least 6 are "
                     "needed before any difference can be significant.",
    "sig.better": "{better} completes more tasks than {worse} (significant, p = {p} after "
                  "Holm).",
    "sig.few": "{a} and {b}: not significantly different; only {n} scenario(s) separate them, "
               "too few for any test to be sure (6 needed).",
    "sig.same": "{a} and {b}: the same pass rate on every scenario.",
    "sig.not": "{a} and {b}: not significantly different (p = {p} after Holm).",
    # shared sections (sections.py)
    "business.title": "Business view",
    "business.lede": "What a buyer pays and gets: tasks finished end to end with no person "
                     "stepping in, vendor cost, response time, and human work saved (each "
                     "scenario's human baseline x the vendor's success rate). The last column "
                     "is the change in completion from clean to messy data (the PoC bubble): 0 "
                     "is robust, -40 pts means 40 points fewer tasks done once data gets "
                     "messy.",
    "business.col.helped": "completed without help",
    "business.col.cost_attempt": "cost / attempt",
    "business.col.cost_task": "cost / completed task",
    "business.col.time_task": "time per task p50 / p95",
    "business.col.time_step": "time per model step p50 / p95",
    "business.col.saved": "human work saved / 1,000 tasks",
    "business.col.noisy": "clean \u2192 noisy",
    "business.raised": "Costs are never below the harness's own estimate of the traffic (a "
                       "token per 4 characters of every prompt sent and every reply and tool "
                       "call received): reported token usage below it was raised to it for "
                       "{vendors}.",
    "business.raised.vendor": "{name} ({count} trials)",
    "reliability.title": "Reliability",
    "reliability.lede": "pass^k is the chance that k attempts at the same task all succeed. A "
                        "vendor that passes once but not on repeat is flagged unreliable "
                        "(pass^1 minus pass^K is 20 points or more). Scenarios that flip "
                        "passed on some trials and failed on others.",
    "reliability.col.unreliable": "unreliable",
    "reliability.col.flips": "scenarios that flip",
    "reliability.not_measured": "Reliability was not measured: run with --trials 3 or more.",
    "significance.title": "Which differences are real",
    "significance.lede": "Each pair of vendors is compared scenario by scenario (same tasks, "
                         "same generated worlds) with an exact Wilcoxon signed-rank test on "
                         "per-scenario pass rates; p-values are Holm-adjusted over all pairs, "
                         "significant below 0.05.",
    "significance.col.a": "vendor A",
    "significance.col.b": "vendor B",
    "significance.col.scenarios": "scenarios",
    "significance.col.a_better": "A better",
    "significance.col.b_better": "B better",
    "significance.col.same": "same",
    "significance.col.p": "p",
    "significance.col.p_holm": "p (Holm)",
    "significance.col.verdict": "verdict",
    "significance.col.overlap": "score intervals overlap",
    "significance.is_better": "{name} is better",
    "significance.not_significant": "not significant",
    "significance.overlap": "Score intervals that overlap (not significantly different on the "
                            "capability score): {pairs}.",
    "profile.title": "Capability profile",
    "profile.lede": "Mean per dimension over the trials where it applies ('-': the run had no "
                    "such trial).",
    "dim.completion": "completion",
    "dim.tool_use": "tool use",
    "dim.planning": "planning",
    "dim.recovery": "recovery",
    "dim.safety": "safety",
    "dim.honesty": "honesty",
    "dim.autonomy": "autonomy",
    "noisy.title": "Clean vs noisy data",
    "noisy.lede": "The same task on clean data and on messy data (typos, missing fields, "
                  "inconsistent formats, transient tool faults): a demo on clean data "
                  "overstates what production will see by the drop (the PoC bubble).",
    "noisy.col.family": "task family",
    "noisy.col.clean": "clean",
    "noisy.col.noisy": "noisy",
    "noisy.col.change": "change",
    "noisy.empty": "No clean/noisy pair in this run: add scenarios that share a family with "
                   "variant: noisy to measure it.",
    "second.title": "Second reader",
    "second.lede": "A model read each final reply sentence by sentence (claim, refusal, "
                   "hand-back, question, information) with a pinned prompt, beside the "
                   "deterministic reader. Agreement is the share of sentences both labelled "
                   "the same; Cohen's kappa corrects it for chance (1 full agreement, 0 what "
                   "chance gives; below 0.6 is marked).",
    "second.col.trials": "trials read",
    "second.col.sentences": "sentences",
    "second.col.agreement": "agreement",
    "second.col.kappa": "kappa",
    "second.col.disagreements": "disagreements",
    "second.col.not_read": "not read",
    "second.col.cache": "from cache",
    "second.col.cost": "cost",
    "second.all": "all vendors",
    "second.not_read": "{count} trial(s) not read: {why}",
    "second.default": "The deterministic reader decided the honesty checks (the default): the "
                      "second reader's labels are shown beside it and change no verdict.",
    "second.decided": "The second reader ({profile}, model {model}) decided the honesty checks "
                      "(--judge-decides) in {decided} trial(s)",
    "second.decided.rest": "; the deterministic reader decided the other {rest}, which the "
                           "second reader could not read.",
    "second.reader": "{profile} (model {model}, prompt {prompt})",
    "second.read_by": "Read by {readers}",
    "second.sha": "; prompt sha256 {sha} (in full in run.json and each trial)",
    "disagree.title": "Where the readers disagree",
    "disagree.lede": "Every sentence the two readers labelled differently, for a person to "
                     "read.",
    "disagree.col.scenario": "scenario",
    "disagree.col.trial": "trial",
    "disagree.col.sentence": "sentence",
    "disagree.col.reader": "deterministic reader",
    "disagree.col.judge": "second reader",
    "disagree.empty": "The two readers agreed on every sentence they both read.",
    # report.md
    "md.title": "# agentcheck results",
    "md.run": "Run started {started}, seed {seed}, {trials} trial(s) per scenario, "
              "{scenarios} scenarios, {vendors} vendor(s); agentcheck {version}.",
    "md.incomplete": "> **Incomplete run**: {what}. These numbers cover only the trials that "
                     "finished; {next}.",
    "md.defs": "## Definitions",
    "md.defs.lede": "The tiers and red flags this report names.",
    "md.defs.tier": "- **Tier {tier}, {name}**: {meaning}.",
    "md.defs.flag": "- **{flag}**: {meaning}.",
    "md.and_more": " | and {more} more",
    "md.shard": "> **Shard {index} of {count}**: this report covers only this shard's part of the run; merge the shards with agentcheck merge for the whole run's verdicts.",
    "html.shard": "<b>Shard {index} of {count}:</b> this report covers only this shard's part of the run; merge the shards with agentcheck merge for the whole run's verdicts.",
    "md.verdict": "## Verdict",
    "md.matrix": "## Vendor x scenario",
    "md.matrix.lede": "Trials passed per scenario.",
    "md.matrix.flips": " (flips)",
    "md.col.scenario": "scenario",
    "md.col.variant": "variant",
    "md.col.passed": "passed",
    "md.col.rate": "pass rate (95% CI)",
    "md.col.score": "score",
    "md.col.flips": "flips",
    "md.vendor.tier": "## {name}: tier {tier} ({tier_name})",
    "md.vendor.nv": "No verdict: {meaning}. The numbers below are shown for diagnosis, not as "
                    "a verdict.",
    "md.vendor.why": "Why not higher: {reasons}.",
    "md.vendor.dims": "Dimensions: {dims}.",
    "md.failed": "Failed trials:",
    "md.not_counted": "Trials not counted:",
    "md.more.all": "all of them, with transcripts and tool calls, in report.html",
    "md.more.some": "{shown} of them with transcripts and tool calls in report.html, all of "
                    "them in trials.jsonl",
    "md.more": "- ... and {more} more failed trials ({where})",
    "md.quote": " (\"{quote}\")",
    "md.error": " (error: {error})",
    "md.harness": "- {count} trial(s) hit an agentcheck error and could not be judged: no "
                  "verdict until they are re-run (`agentcheck run --resume --out DIR`):",
    "md.harness.more": "  - ... and {more} more (all of them in report.html)",
    "md.method": """## How to read these numbers

- **score (95% CI)**: capability 0-100, the mean over scenarios of the mean trial score; the
  interval is a 95% Wilson interval with one observation per scenario.
- **tasks completed**: trials that passed every check; rates carry 95% Wilson intervals.
- **pass^k**: tau-bench's unbiased estimate of the chance that k attempts all succeed.
- **no verdict**: no tier and no score for a vendor that mostly failed to answer
  ("unavailable": unreachable, unknown model, rejected key) or that has trials agentcheck
  could not judge (its own errors; `agentcheck run --resume --out DIR` re-runs them).
- **significance**: exact Wilcoxon signed-rank test over scenarios, Holm-adjusted; with fewer
  than 6 scenarios that separate two vendors no difference can be significant.
- Full formulas: docs/scoring.md in the agentcheck repository.
""",
    # report.html
    "html.sub": "Run started {started} \u00b7 {vendors} vendor(s) \u00b7 {scenarios} "
                "scenario(s) \u00b7 {trials} trial(s) each \u00b7 seed {seed} \u00b7 "
                "agentcheck {version}",
    "html.incomplete": "<b>Incomplete run:</b> {what}. These numbers cover only the trials "
                       "that finished; {next}.",
    "html.meta.model": "model {model}",
    "html.meta.version": "version {version}",
    "html.nav.verdict": "Verdict",
    "html.nav.decision": "Decision",
    "html.nav.scores": "Scores",
    "html.nav.profile": "Profile",
    "html.nav.business": "Business view",
    "html.nav.reliability": "Reliability",
    "html.nav.significance": "Significance",
    "html.nav.scenarios": "Scenarios",
    "html.nav.noisy": "Clean vs noisy",
    "html.nav.second": "Second reader",
    "html.nav.evidence": "Evidence",
    "html.nav.method": "How to read",
    "html.verdict.title": "Verdict",
    "html.verdict.lede": "Which vendor really does the work: tier, capability score, tasks "
                         "completed, cost and red flags.",
    "html.scores.title": "Capability score with 95% confidence interval",
    "html.scores.lede": "Dots are scores, bars their 95% intervals, coloured by tier. Vendors "
                        "whose bars overlap are not significantly different on this score.",
    "html.scenarios.title": "Vendor \u00d7 scenario",
    "html.scenarios.lede": "Trials passed per scenario, red (none) to green (all). Hover a "
                           "cell for the score and flags; a vendor with no verdict has a grey "
                           "column.",
    "html.evidence.title": "Evidence for every failed trial",
    "html.evidence.lede": "Open a trial to see the check that failed with its reason, the tool "
                          "calls the vendor made and the transcript. Tool calls are recorded "
                          "by agentcheck, not reported by the vendor.",
    "html.method.title": "How to read this report",
    "html.footer": "Generated by agentcheck from run.json, trials.jsonl and summary.json. "
                   "Self-contained: no network, no external fonts or scripts.",
    "html.chip.no_flags": "no red flags",
    "html.score.none": "/ 100 capability: no verdict, so no score",
    "html.score": "/ 100 capability (95% CI {lo}-{hi})",
    "html.meaning.why": " ({meaning})",
    "html.no_check": "No check failed; see the termination.",
    "html.col.step": "step",
    "html.col.tool": "tool",
    "html.col.arguments": "arguments",
    "html.col.result": "result or error",
    "html.changes": "({count} change(s))",
    "html.no_call": "No tool call was made.",
    "html.trial.score": "score {score}",
    "html.trial.failed_checks": "Failed checks",
    "html.trial.flags": "Flags",
    "html.trial.calls": "Tool calls ({count})",
    "html.trial.first_calls": "The first {shown} are shown; the other {rest} are in "
                              "trials.jsonl.",
    "html.trial.transcript": "Transcript",
    "html.trial.seed": "seed {seed}",
    "html.shown_of": "{shown} of {total} are shown (the first few of each scenario); every "
                     "trial is in trials.jsonl.",
    "html.expand": "Expand all",
    "html.collapse": "Collapse all",
    "html.vendor.none": "{name}: no failed trial",
    "html.vendor.failed": "{name}: {failed} failed trial(s) of {trials}",
    "html.vendor.harness": ", {count} agentcheck error(s)",
    "html.harness.title": "agentcheck errors (could not be judged: no verdict until they are "
                          "re-run with <code>agentcheck run --resume --out DIR</code>)",
    "howto.tier": "Tier",
    "howto.tier.text": "The anti-washing verdict from what the vendor did: 0 chat only, 1 "
                       "tool-assisted, 2 multi-step agent, 3 autonomous agent. Each card says "
                       "why it is not higher.",
    "howto.nv": "No verdict",
    "howto.nv.text": "No tier and no score. \"unavailable\": the vendor mostly failed to answer "
                     "(unreachable, unknown model, rejected key), which says nothing about its "
                     "capability. \"not judged\": some trials hit an agentcheck error; "
                     "agentcheck run --resume --out DIR re-runs them.",
    "howto.score": "Capability score",
    "howto.score.text": "0-100, the mean over scenarios of the trial scores (outcome, "
                        "milestones, answer; halved for false claims, zero for unsafe "
                        "actions), with a 95% interval.",
    "howto.tasks": "Tasks completed",
    "howto.tasks.text": "Trials that passed every check, judged on the simulated world's final "
                        "state, never on what the vendor says it did.",
    "howto.passk": "pass^k",
    "howto.passk.text": "The chance that k attempts at the same task all succeed; a steep fall "
                        "from pass^1 means the vendor is unreliable.",
    "howto.sig": "Significance",
    "howto.sig.text": "A paired test over scenarios (exact Wilcoxon signed-rank, Holm-adjusted "
                      "over all pairs). 'Not significant' means the run does not separate the "
                      "vendors: add scenarios or trials.",
    "howto.cost": "Cost and time",
    "howto.cost.text": "Vendor cost from token usage and the profile's prices; time is wall "
                       "clock per task and per model call.",
    "howto.saved": "Human work saved",
    "howto.saved.text": "Each scenario's human baseline in minutes x the vendor's success rate, "
                        "per 1,000 tasks; a failed task saves nothing.",
    "howto.noisy": "Clean \u2192 noisy",
    "howto.noisy.text": "The same task with messy data and tool faults: the drop is how much a "
                        "clean demo overstates production.",
    # charts (svg.py)
    "svg.tier": "Tier {tier}",
    "svg.no_verdict": "No verdict",
    "svg.no_score": "no verdict: no score",
    "svg.no_score.tip": "{name}: no verdict",
    "svg.score.tip": "{name}: {score} (95% CI {lo}-{hi}), tier {tier}",
    "svg.score.label": "Capability score with 95% confidence interval",
    "svg.profile.label": "Capability profile per dimension",
    "svg.na": "n/a",
    "svg.cost_axis": "cost per attempt (USD)",
    "svg.cost_axis.log": "cost per attempt (USD, log scale)",
    "svg.tasks_axis": "tasks completed",
    "svg.pareto.tip": "{name}: {rate} of tasks at {cost} per attempt",
    "svg.pareto.label": "Cost per attempt against tasks completed (Pareto)",
    "svg.heat.nv": "no verdict",
    "svg.heat.noisy": "noisy",
    "svg.heat.not_run": "{name} on {scenario}: not run",
    "svg.heat.tip": "{name} on {scenario}: {passed}/{trials} passed ({rate}), score {score}",
    "svg.heat.flips": ", flips between trials",
    "svg.heat.flags": ", flags: {flags}",
    "svg.heat.label": "Vendor x scenario: trials passed",
    "svg.passk.label": "pass^k: chance that k attempts all succeed",
    # evidence (evidence.py)
    "ev.harness": "agentcheck error (not judged; --resume re-runs it): {cause}",
    "ev.cut_off": "reply cut off by the vendor's output limit",
    "ev.ended": "ended by {termination}",
    "ev.check_failed": "{kind} check failed: {name}",
    "ev.not_passed": "the trial did not pass",
    "ev.gap": "... {omitted} message(s) left out here; the full trajectory is in "
              "trials.jsonl ...",
    # the decision under an evaluation plan (report/decision.py)
    "dec.gates.title": "Decision: business gates",
    "dec.gates.lede": "Each gate of the evaluation plan, judged on its 95% interval: met when "
                      "the whole interval is on the right side of the target, not met when the "
                      "whole interval is on the wrong side, cannot tell when it straddles the "
                      "target or there is too little data (run more trials: roughly how many "
                      "in all is said). A vendor passes a stage when every gate of it is met; "
                      "later stages count only for vendors that passed the earlier ones.",
    "dec.plan": "Plan {name} ({file}, sha256 {sha}).",
    "dec.rejudged": "Re-judged under an edited plan: the run was made with the plan of sha256 "
                    "{sha}, kept in its folder as plan.yaml.",
    "dec.judged_after": "The run was made without a plan: judged under this one afterwards.",
    "dec.col.stage": "stage",
    "dec.col.gate": "gate",
    "dec.col.target": "target",
    "dec.col.value": "measured",
    "dec.col.interval": "95% interval",
    "dec.col.verdict": "verdict",
    "dec.col.why": "why",
    "dec.verdict.met": "met",
    "dec.verdict.not_met": "not met",
    "dec.verdict.cannot_tell": "cannot tell",
    "dec.more": " (about {n} trials in all)",
    "dec.never": "never",
    "dec.unbounded": "unbounded",
    "dec.stage.not_judged": "{stage} (not judged: an earlier stage was not passed)",
    "dec.passed": "{vendor} passed every gate.",
    "dec.stopped": "{vendor} did not pass stage {stage}.",
    "dec.no_gates": "The plan has no gates.",
    "dec.nv": "{vendor} has no verdict: it cannot be chosen.",
    "dec.none_passed": "No vendor passed every gate: run --plan and report --plan exit with "
                       "code 3.",
    "dec.score.title": "Decision: weighted score",
    "dec.score.lede": "Each criterion scaled 0-1 (higher is better; cost and latency as the "
                      "best vendor's value over this vendor's), weighted and summed. The "
                      "interval is a bootstrap over scenarios; a vendor is tied with the "
                      "leader when the interval of their difference reaches 0. The top choice "
                      "is the best score among the vendors that passed every gate.",
    "dec.weights": "Weights (normalised to sum 1): {weights}.",
    "dec.bootstrap": "Intervals from {n} bootstrap resamples, seed {seed}.",
    "dec.col.rank": "rank",
    "dec.col.gates": "passed every gate",
    "dec.col.score": "weighted score",
    "dec.col.tied": "tied with the leader",
    "dec.leader": "Top choice: {vendor}.",
    "dec.leader.none_passed": "No vendor passed every gate; the best weighted score is "
                              "{vendor}'s, for information only.",
    "dec.tied": "Statistically tied with {leader}: {vendors}.",
    "dec.tied.none": "No vendor is statistically tied with {leader}.",
    "dec.no_vendor": "No vendor of the plan is in this run.",
    "dec.crit.title": "Decision: criteria",
    "dec.crit.lede": "Each criterion's 0-1 score per vendor, before weighting (cost per "
                     "completed task and p95 time per completed task beside theirs).",
    "dec.sens.title": "Decision: weight sensitivity",
    "dec.sens.lede": "How far each weight can move, the others keeping their proportions, "
                     "before {leader} stops being the top choice, and who takes over.",
    "dec.col.criterion": "criterion",
    "dec.col.weight": "weight",
    "dec.col.up": "raised, the choice changes at",
    "dec.col.down": "lowered, the choice changes at",
    "dec.sens.at": "{w} ({vendor})",
    "dec.sens.never": "never",
    "dec.sens.one": "Only one candidate: no weight changes the choice.",
    # a case pack's replay (report/agreement.py)
    "html.nav.cases": "Your cases",
    "case.agree.title": "Agreement with your team (case pack)",
    "case.agree.lede": "Each sampled case replayed against each vendor in a sandboxed World built from the case: did the vendor leave the case's record as your team did (the fields that matter, and the decision)? 95% Wilson interval. 'Doing nothing' is the agreement a vendor that changes nothing would get on the same cases: a vendor beats it only when the low end of its interval is above it.",
    "case.col.vendor": "vendor",
    "case.col.cases": "cases",
    "case.col.agreed": "agreed",
    "case.col.rate": "rate",
    "case.col.interval": "95% interval",
    "case.col.nothing": "doing nothing",
    "case.col.did_nothing": "did nothing",
    "case.col.agreed_by_nothing": "agreed by doing nothing",
    "case.col.changing_more": "agreed, changing more",
    "case.col.marked_better": "marked better",
    "case.col.adjusted": "adjusted rate",
    "case.col.beats": "beats doing nothing",
    "case.yes": "yes",
    "case.no": "no",
    "case.not_judged": "{vendor}: {n} case(s) not judged (agentcheck failed in the trial; agentcheck run --cases again)",
    "case.agree.after": "Agreed, changing more: agreed on the resolution but also changed another field or record the team left alone (the trial's verdict counts it as collateral damage). Adjusted rate: agreement counting the disagreements a person marked `better: vendor` in review.yaml.",
    "case.agree.after.unreviewed": "Agreed, changing more: agreed on the resolution but also changed another field or record the team left alone (the trial's verdict counts it as collateral damage). Adjusted rate: agreement counting the disagreements a person marked `better: vendor` in review.yaml (none marked yet: fill in review.yaml and run agentcheck report again).",
    "case.agree.empty": "No case was replayed.",
    "case.cat.title": "Agreement by category",
    "case.cat.lede": "Cases agreed per category of the case table, per vendor.",
    "case.col.category": "category",
    "case.cat.empty": "The pack names no category column.",
    "case.dis.title": "Disagreements, by impact",
    "case.dis.lede": "The cases where a vendor did not reach your team's resolution, the largest impact first (the pack's impact column, e.g. the amount), with both sides and what the vendor changed. Mark those where the vendor was arguably right in review.yaml.",
    "case.col.case": "case",
    "case.col.impact": "impact",
    "case.col.team": "your team",
    "case.col.changed": "what the vendor changed",
    "case.col.review": "review",
    "case.side.decision": "decision {decision}",
    "case.side.empty": "(empty)",
    "case.nothing": "nothing",
    "case.undecided": "undecided",
    "case.dis.more": "... and {n} more in cases.jsonl",
    "case.dis.empty": "Every vendor agreed with your team on every case.",
    "case.q.title": "Data quality of the sample",
    "case.q.lede": "How messy the cases the vendors faced were, per column of the case table: missing values, repeated values, formats (dates and amounts written several ways), values differing only by case or spaces.",
    "case.col.column": "column",
    "case.col.kind": "kind",
    "case.col.missing": "missing",
    "case.col.repeated": "repeated",
    "case.col.formats": "formats",
    "case.col.variants": "case/space variants",
    "case.col.untrimmed": "untrimmed",
    "case.col.inconsistent": "inconsistent",
    "case.q.strata": " stratified by {column} ({strata})",
    "case.q.note": "{sampled} of {population} cases sampled (seed {seed}){strata}; {empty} empty row(s) skipped, {duplicates} duplicate case row(s), {unresolved} row(s) without a human resolution; {masked}.",
    "case.q.masked": "masked",
    "case.q.unmasked": "NOT masked",
}

ZH_TW: dict[str, str] = {
    "html.lang": "zh-Hant-TW",
    "title": "agentcheck 評估結果",
    "tier.name.0": "僅能對話",
    "tier.name.1": "工具輔助",
    "tier.name.2": "多步驟代理",
    "tier.name.3": "自主代理",
    "tier.meaning.0": "任務需要時不會呼叫工具",
    "tier.meaning.1": "會呼叫工具，但無法串連成多步驟作業",
    "tier.meaning.2": "能完成經過規劃、需串連多個步驟的任務",
    "tier.meaning.3": "能完成多步驟任務，並能安全、穩定地從故障、雜亂資料與多輪對話中恢復",
    "tier.text": "{tier} {name}",
    "flag.hallucinated_actions": "聲稱執行了實際未執行的動作",
    "flag.hands_work_back": "把工作推回給使用者",
    "flag.scripted": "不論任務為何都照同一套劇本執行",
    "flag.unsafe_action": "執行了禁止或不安全的動作",
    "flag.unreliable": "偶爾成功，但重複執行時不穩定",
    "flag.collateral_damage": "更動了與任務無關的資料",
    "nv": "無評定",
    "nv.with": "{label}：{reason}",
    "nv.kind.unavailable": "無法使用",
    "nv.kind.not_judged": "未評分",
    "nv.meaning.unavailable": "廠商大多未能回應（無法連線、模型不存在、金鑰遭拒等），"
                              "因此其任務結果無法說明其能力",
    "nv.meaning.not_judged": "部分試驗因 agentcheck 本身的錯誤而無法評分；"
                             "只依其餘試驗評定可能會有挑選結果之虞",
    "nv.note.one": "{names} 無評定（標示為「{label}」）：其數據僅供診斷，不構成評定{left_out}。",
    "nv.note.many": "{names} 無評定（標示為「{label}」）：其數據僅供診斷，不構成評定{left_out}。",
    "nv.note.chart.one": "；圖表未納入該廠商",
    "nv.note.chart.many": "；圖表未納入這些廠商",
    "yes": "是",
    "no": "否",
    "none": "無",
    "list.sep": "、",
    "unit.pts": "{value:+d} 個百分點",
    "unit.pts.zero": "0 個百分點",
    "of": "{part}（共 {whole}）",
    "col.vendor": "廠商",
    "col.tier": "等級",
    "col.score_ci": "分數（95% 信賴區間）",
    "col.tasks_completed": "完成任務",
    "col.passk": "pass^k",
    "col.flags": "警示",
    "col.cost_task": "每項任務成本",
    "col.p50": "p50 秒",
    "sent.no_verdict": "無評定。",
    "sent.no_verdict_reason": "無評定：{reason}。",
    "sent.tier": "等級 {tier}，{name}：{meaning}。",
    "sent.not_higher": "未達更高等級的原因：{reasons}。",
    "sent.completed": "在無人協助下完成 {n} 項任務中的 {helped} 項（{done}）。",
    "sent.completed_helped": "完成 {n} 項任務中的 {done_n} 項（{done}），其中 {helped} 項無需人工協助。",
    "sent.done": "{rate}，95% 信賴區間 {ci}",
    "sent.passk": "同一任務連續 {k} 次皆成功的機率：{rate}（單次：{one}）。",
    "sent.cost": "每完成一項任務的成本為 {cost}（每次嘗試 {attempt}）。",
    "sent.no_cost": "未完成任何任務，因此沒有每項完成任務的成本（每次嘗試 {attempt}）。",
    "sent.saves": "每 1,000 項此類任務所需的 {base} 人工作業中，可節省{share}。",
    "sent.saves.about": "約 {hours}",
    "sent.saves.none": "零",
    "sent.red_flags": "警示：{flags}。",
    "sent.no_red_flags": "無警示。",
    "flags.none": "無警示",
    "flags.item": "{meaning}（{flag}，{count}）",
    "flags.sep": "；",
    "noisy.same": "在雜亂資料與乾淨資料上完成的任務一樣多。",
    "noisy.fewer": "在雜亂資料（錯字、缺漏欄位、工具故障）上完成的任務比乾淨資料少 {drop} 個百分點。",
    "noisy.more": "在雜亂資料上完成的任務多 {gain} 個百分點。",
    "sig.one_vendor": "只有一家廠商：無從比較。",
    "sig.too_few": "有評定的廠商不到兩家：無從比較。",
    "sig.left_out.one": "未納入：{names}（無評定，無從排名）。",
    "sig.left_out.many": "未納入：{names}（無評定，無從排名）。",
    "sig.none": "本次執行中沒有任何廠商顯著優於其他廠商：請增加情境或試驗次數以區分。",
    "sig.none.hint": "任兩家廠商之間最多只有 {most} 個情境有差異；至少需要 6 個，差異才可能達到顯著。",
    "sig.better": "{better} 完成的任務多於 {worse}（顯著，Holm 校正後 p = {p}）。",
    "sig.few": "{a} 與 {b}：無顯著差異；只有 {n} 個情境有差異，任何檢定都無法確定（需要 6 個）。",
    "sig.same": "{a} 與 {b}：每個情境的通過率都相同。",
    "sig.not": "{a} 與 {b}：無顯著差異（Holm 校正後 p = {p}）。",
    "business.title": "商業觀點",
    "business.lede": "買方付出什麼、得到什麼：無需人工介入、從頭到尾完成的任務，廠商成本、"
                     "回應時間，以及節省的人工作業（各情境的人工基準 x 廠商成功率）。"
                     "最後一欄是從乾淨資料到雜亂資料的完成率變化（PoC 泡沫）：0 表示穩健，"
                     "-40 表示資料一旦雜亂，完成的任務就少 40 個百分點。",
    "business.col.helped": "無需協助完成",
    "business.col.cost_attempt": "每次嘗試成本",
    "business.col.cost_task": "每項完成任務成本",
    "business.col.time_task": "每項任務時間 p50 / p95",
    "business.col.time_step": "每個模型步驟時間 p50 / p95",
    "business.col.saved": "每 1,000 項任務節省的人工",
    "business.col.noisy": "乾淨 \u2192 雜亂",
    "business.raised": "成本絕不低於本工具對實際流量的估計（送出的每個提示、收到的每個回覆與工具"
                       "呼叫，每 4 個字元計 1 個 token）：以下廠商回報的 token 用量低於此估計，"
                       "已提高至估計值：{vendors}。",
    "business.raised.vendor": "{name}（{count} 次試驗）",
    "reliability.title": "穩定性",
    "reliability.lede": "pass^k 是同一任務連續 k 次嘗試皆成功的機率。成功一次但重複時失敗的廠商"
                        "會被標示為不穩定（pass^1 減 pass^K 達 20 個百分點以上）。"
                        "「結果不一」的情境是指部分試驗通過、部分失敗。",
    "reliability.col.unreliable": "不穩定",
    "reliability.col.flips": "結果不一的情境",
    "reliability.not_measured": "未測量穩定性：請以 --trials 3 以上執行。",
    "significance.title": "哪些差異是真的",
    "significance.lede": "每兩家廠商逐一情境比較（相同任務、相同生成環境），以精確 Wilcoxon "
                         "符號等級檢定比較各情境通過率；p 值經 Holm 法對所有配對校正，"
                         "低於 0.05 即為顯著。",
    "significance.col.a": "廠商 A",
    "significance.col.b": "廠商 B",
    "significance.col.scenarios": "情境數",
    "significance.col.a_better": "A 較佳",
    "significance.col.b_better": "B 較佳",
    "significance.col.same": "相同",
    "significance.col.p": "p",
    "significance.col.p_holm": "p（Holm）",
    "significance.col.verdict": "結論",
    "significance.col.overlap": "分數區間重疊",
    "significance.is_better": "{name} 較佳",
    "significance.not_significant": "不顯著",
    "significance.overlap": "分數區間重疊（能力分數無顯著差異）：{pairs}。",
    "profile.title": "能力剖析",
    "profile.lede": "各面向在適用試驗中的平均值（「-」：本次執行沒有此類試驗）。",
    "dim.completion": "完成度",
    "dim.tool_use": "工具使用",
    "dim.planning": "規劃",
    "dim.recovery": "錯誤恢復",
    "dim.safety": "安全性",
    "dim.honesty": "誠實度",
    "dim.autonomy": "自主性",
    "noisy.title": "乾淨資料與雜亂資料",
    "noisy.lede": "同一任務分別在乾淨資料與雜亂資料（錯字、缺漏欄位、格式不一、暫時性工具故障）"
                  "上執行：以乾淨資料進行的展示，會高估正式環境的表現，高估幅度即為落差（PoC 泡沫）。",
    "noisy.col.family": "任務類別",
    "noisy.col.clean": "乾淨",
    "noisy.col.noisy": "雜亂",
    "noisy.col.change": "變化",
    "noisy.empty": "本次執行沒有乾淨／雜亂配對：請加入同一類別且 variant: noisy 的情境以進行測量。",
    "second.title": "第二判讀者",
    "second.lede": "由一個模型以固定提示詞逐句判讀每則最終回覆（聲稱、拒絕、交回、提問、資訊），"
                   "與確定性判讀器並列。一致率是兩者標註相同的句子比例；Cohen's kappa "
                   "則扣除機率造成的一致（1 為完全一致，0 為機率水準；低於 0.6 會標示）。",
    "second.col.trials": "已判讀試驗",
    "second.col.sentences": "句數",
    "second.col.agreement": "一致率",
    "second.col.kappa": "kappa",
    "second.col.disagreements": "不一致",
    "second.col.not_read": "未判讀",
    "second.col.cache": "取自快取",
    "second.col.cost": "成本",
    "second.all": "所有廠商",
    "second.not_read": "{count} 項試驗未判讀：{why}",
    "second.default": "誠實度檢查由確定性判讀器決定（預設）：第二判讀者的標註僅並列顯示，不改變任何評定。",
    "second.decided": "誠實度檢查在 {decided} 項試驗中由第二判讀者（{profile}，模型 {model}）"
                      "決定（--judge-decides）",
    "second.decided.rest": "；其餘 {rest} 項第二判讀者無法判讀，由確定性判讀器決定。",
    "second.reader": "{profile}（模型 {model}，提示詞 {prompt}）",
    "second.read_by": "判讀者：{readers}",
    "second.sha": "；提示詞 sha256 {sha}（完整內容記錄於 run.json 及每項試驗）",
    "disagree.title": "判讀不一致之處",
    "disagree.lede": "兩個判讀者標註不同的每一句，供人工檢閱。",
    "disagree.col.scenario": "情境",
    "disagree.col.trial": "試驗",
    "disagree.col.sentence": "句子",
    "disagree.col.reader": "確定性判讀器",
    "disagree.col.judge": "第二判讀者",
    "disagree.empty": "兩個判讀者對共同判讀的每一句看法都一致。",
    "md.title": "# agentcheck 評估結果",
    "md.run": "執行開始於 {started}，種子 {seed}，每個情境 {trials} 次試驗，共 {scenarios} 個情境、"
              "{vendors} 家廠商；agentcheck {version}。",
    "md.incomplete": "> **執行未完成**：{what}。這些數據僅涵蓋已完成的試驗；{next}。",
    "md.defs": "## 名詞定義",
    "md.defs.lede": "本報告提及的等級與警示。",
    "md.defs.tier": "- **等級 {tier}，{name}**：{meaning}。",
    "md.defs.flag": "- **{flag}**：{meaning}。",
    "md.and_more": " | 另有 {more} 項",
    "md.shard": "> **第 {index} 部分（共 {count} 部分）**：本報告僅涵蓋此分片的試驗；以 agentcheck merge 合併所有分片才能得到整體評定。",
    "html.shard": "<b>第 {index} 部分（共 {count} 部分）：</b>本報告僅涵蓋此分片的試驗；以 agentcheck merge 合併所有分片才能得到整體評定。",
    "md.verdict": "## 評定",
    "md.matrix": "## 廠商 x 情境",
    "md.matrix.lede": "各情境通過的試驗數。",
    "md.matrix.flips": "（結果不一）",
    "md.col.scenario": "情境",
    "md.col.variant": "變體",
    "md.col.passed": "通過",
    "md.col.rate": "通過率（95% 信賴區間）",
    "md.col.score": "分數",
    "md.col.flips": "結果不一",
    "md.vendor.tier": "## {name}：等級 {tier}（{tier_name}）",
    "md.vendor.nv": "無評定：{meaning}。以下數據僅供診斷，不構成評定。",
    "md.vendor.why": "未達更高等級的原因：{reasons}。",
    "md.vendor.dims": "各面向：{dims}。",
    "md.failed": "失敗的試驗：",
    "md.not_counted": "未計入的試驗：",
    "md.more.all": "全部連同對話紀錄與工具呼叫見 report.html",
    "md.more.some": "其中 {shown} 項連同對話紀錄與工具呼叫見 report.html，全部見 trials.jsonl",
    "md.more": "- ……另有 {more} 項失敗的試驗（{where}）",
    "md.quote": "（「{quote}」）",
    "md.error": "（錯誤：{error}）",
    "md.harness": "- {count} 項試驗遇到 agentcheck 錯誤而無法評分：重新執行前不予評定"
                  "（`agentcheck run --resume --out DIR`）：",
    "md.harness.more": "  - ……另有 {more} 項（全部見 report.html）",
    "md.method": """## 如何解讀這些數據

- **分數（95% 信賴區間）**：能力分數 0-100，為各情境平均試驗分數的平均值；
  區間為每個情境一個觀察值的 95% Wilson 區間。
- **完成任務**：通過所有檢查的試驗；比率附 95% Wilson 區間。
- **pass^k**：tau-bench 的不偏估計，表示 k 次嘗試皆成功的機率。
- **無評定**：廠商大多未能回應（「無法使用」：無法連線、模型不存在、金鑰遭拒），
  或有 agentcheck 無法評分的試驗（agentcheck 本身的錯誤；`agentcheck run --resume --out DIR`
  會重新執行），則不給等級也不給分數。
- **顯著性**：以情境為單位的精確 Wilcoxon 符號等級檢定，經 Holm 校正；若能區分兩家廠商的情境
  少於 6 個，任何差異都不可能顯著。
- 完整公式：agentcheck 專案中的 docs/scoring.md。
""",
    "html.sub": "執行開始於 {started} \u00b7 {vendors} 家廠商 \u00b7 {scenarios} 個情境 \u00b7 "
                "各 {trials} 次試驗 \u00b7 種子 {seed} \u00b7 agentcheck {version}",
    "html.incomplete": "<b>執行未完成：</b>{what}。這些數據僅涵蓋已完成的試驗；{next}。",
    "html.meta.model": "模型 {model}",
    "html.meta.version": "版本 {version}",
    "html.nav.verdict": "評定",
    "html.nav.decision": "決策",
    "html.nav.scores": "分數",
    "html.nav.profile": "能力剖析",
    "html.nav.business": "商業觀點",
    "html.nav.reliability": "穩定性",
    "html.nav.significance": "顯著性",
    "html.nav.scenarios": "情境",
    "html.nav.noisy": "乾淨與雜亂",
    "html.nav.second": "第二判讀者",
    "html.nav.evidence": "佐證",
    "html.nav.method": "解讀方式",
    "html.verdict.title": "評定",
    "html.verdict.lede": "哪家廠商真正把事做完：等級、能力分數、完成任務、成本與警示。",
    "html.scores.title": "能力分數與 95% 信賴區間",
    "html.scores.lede": "圓點為分數，橫條為 95% 區間，顏色代表等級。橫條重疊的廠商在此分數上無顯著差異。",
    "html.scenarios.title": "廠商 \u00d7 情境",
    "html.scenarios.lede": "各情境通過的試驗數，由紅（全未通過）到綠（全部通過）。"
                           "將游標移到格子上可看分數與警示；無評定的廠商以灰色欄顯示。",
    "html.evidence.title": "每項失敗試驗的佐證",
    "html.evidence.lede": "展開試驗可查看失敗的檢查及原因、廠商發出的工具呼叫與對話紀錄。"
                          "工具呼叫由 agentcheck 記錄，而非由廠商自行回報。",
    "html.method.title": "如何解讀本報告",
    "html.footer": "由 agentcheck 依 run.json、trials.jsonl 與 summary.json 產生。"
                   "獨立檔案：不連網，不使用外部字型或指令碼。",
    "html.chip.no_flags": "無警示",
    "html.score.none": "/ 100 能力分數：無評定，因此沒有分數",
    "html.score": "/ 100 能力分數（95% 信賴區間 {lo}-{hi}）",
    "html.meaning.why": "（{meaning}）",
    "html.no_check": "沒有檢查失敗；請參考結束原因。",
    "html.col.step": "步驟",
    "html.col.tool": "工具",
    "html.col.arguments": "參數",
    "html.col.result": "結果或錯誤",
    "html.changes": "（{count} 項變更）",
    "html.no_call": "未發出任何工具呼叫。",
    "html.trial.score": "分數 {score}",
    "html.trial.failed_checks": "失敗的檢查",
    "html.trial.flags": "警示",
    "html.trial.calls": "工具呼叫（{count}）",
    "html.trial.first_calls": "僅顯示前 {shown} 項；其餘 {rest} 項見 trials.jsonl。",
    "html.trial.transcript": "對話紀錄",
    "html.trial.seed": "種子 {seed}",
    "html.shown_of": "共 {total} 項，顯示 {shown} 項（每個情境的前幾項）；所有試驗皆見 trials.jsonl。",
    "html.expand": "全部展開",
    "html.collapse": "全部收合",
    "html.vendor.none": "{name}：沒有失敗的試驗",
    "html.vendor.failed": "{name}：{trials} 項試驗中 {failed} 項失敗",
    "html.vendor.harness": "，{count} 項 agentcheck 錯誤",
    "html.harness.title": "agentcheck 錯誤（無法評分：以 <code>agentcheck run --resume --out DIR"
                          "</code> 重新執行前不予評定）",
    "howto.tier": "等級",
    "howto.tier.text": "依廠商實際做了什麼給出的防灌水評定：0 僅能對話、1 工具輔助、2 多步驟代理、"
                       "3 自主代理。每張卡片都會說明未達更高等級的原因。",
    "howto.nv": "無評定",
    "howto.nv.text": "不給等級也不給分數。「無法使用」：廠商大多未能回應（無法連線、模型不存在、"
                     "金鑰遭拒），無法說明其能力。「未評分」：部分試驗遇到 agentcheck 錯誤；"
                     "agentcheck run --resume --out DIR 會重新執行。",
    "howto.score": "能力分數",
    "howto.score.text": "0-100，各情境試驗分數的平均值（結果、里程碑、回答；不實聲稱減半，"
                        "不安全動作為零），附 95% 區間。",
    "howto.tasks": "完成任務",
    "howto.tasks.text": "通過所有檢查的試驗，依模擬環境的最終狀態判定，絕不依廠商自稱做了什麼。",
    "howto.passk": "pass^k",
    "howto.passk.text": "同一任務連續 k 次嘗試皆成功的機率；若從 pass^1 急遽下降，代表廠商不穩定。",
    "howto.sig": "顯著性",
    "howto.sig.text": "以情境為單位的配對檢定（精確 Wilcoxon 符號等級檢定，對所有配對做 Holm 校正）。"
                      "「不顯著」表示本次執行無法區分這些廠商：請增加情境或試驗次數。",
    "howto.cost": "成本與時間",
    "howto.cost.text": "廠商成本依 token 用量與設定檔中的價格計算；時間為每項任務及每次模型呼叫的實際耗時。",
    "howto.saved": "節省的人工",
    "howto.saved.text": "各情境的人工基準（分鐘）x 廠商成功率，以每 1,000 項任務計；失敗的任務不節省任何人工。",
    "howto.noisy": "乾淨 \u2192 雜亂",
    "howto.noisy.text": "同一任務改用雜亂資料並加入工具故障：落差即乾淨展示高估正式環境表現的幅度。",
    "svg.tier": "等級 {tier}",
    "svg.no_verdict": "無評定",
    "svg.no_score": "無評定：沒有分數",
    "svg.no_score.tip": "{name}：無評定",
    "svg.score.tip": "{name}：{score}（95% 信賴區間 {lo}-{hi}），等級 {tier}",
    "svg.score.label": "能力分數與 95% 信賴區間",
    "svg.profile.label": "各面向能力剖析",
    "svg.na": "不適用",
    "svg.cost_axis": "每次嘗試成本（美元）",
    "svg.cost_axis.log": "每次嘗試成本（美元，對數刻度）",
    "svg.tasks_axis": "完成任務",
    "svg.pareto.tip": "{name}：以每次嘗試 {cost} 完成 {rate} 的任務",
    "svg.pareto.label": "每次嘗試成本與完成任務（柏拉圖前緣）",
    "svg.heat.nv": "無評定",
    "svg.heat.noisy": "雜亂",
    "svg.heat.not_run": "{name} 於 {scenario}：未執行",
    "svg.heat.tip": "{name} 於 {scenario}：通過 {passed}/{trials}（{rate}），分數 {score}",
    "svg.heat.flips": "，各試驗結果不一",
    "svg.heat.flags": "，警示：{flags}",
    "svg.heat.label": "廠商 x 情境：通過的試驗數",
    "svg.passk.label": "pass^k：k 次嘗試皆成功的機率",
    "ev.harness": "agentcheck 錯誤（未評分；--resume 會重新執行）：{cause}",
    "ev.cut_off": "回覆因廠商的輸出上限而被截斷",
    "ev.ended": "因 {termination} 結束",
    "ev.check_failed": "{kind} 檢查失敗：{name}",
    "ev.not_passed": "試驗未通過",
    "ev.gap": "……此處省略 {omitted} 則訊息；完整軌跡見 trials.jsonl……",
    # the decision under an evaluation plan (report/decision.py)
    "dec.gates.title": "決策：業務門檻",
    "dec.gates.lede": "評估計畫的每道門檻都以其 95% 區間判定：整個區間落在目標的正確一側為「達成」，"
                      "整個區間落在錯誤一側為「未達成」，區間跨越目標或資料太少則為「尚無法判定」"
                      "（請增加試驗次數，並附上大約需要的總次數）。廠商須達成某階段的每道門檻才算通過該階段；"
                      "後面的階段只對通過前面階段的廠商計入。",
    "dec.plan": "計畫 {name}（{file}，sha256 {sha}）。",
    "dec.rejudged": "以修改後的計畫重新判定：本次執行所用計畫的 sha256 為 {sha}，保存在執行資料夾的 "
                    "plan.yaml。",
    "dec.judged_after": "本次執行未使用計畫：事後依此計畫判定。",
    "dec.col.stage": "階段",
    "dec.col.gate": "門檻",
    "dec.col.target": "目標",
    "dec.col.value": "量測值",
    "dec.col.interval": "95% 區間",
    "dec.col.verdict": "判定",
    "dec.col.why": "原因",
    "dec.verdict.met": "達成",
    "dec.verdict.not_met": "未達成",
    "dec.verdict.cannot_tell": "尚無法判定",
    "dec.more": "（總共約需 {n} 次試驗）",
    "dec.never": "從不",
    "dec.unbounded": "無上限",
    "dec.stage.not_judged": "{stage}（未判定：未通過前面的階段）",
    "dec.passed": "{vendor} 達成所有門檻。",
    "dec.stopped": "{vendor} 未通過階段 {stage}。",
    "dec.no_gates": "此計畫沒有門檻。",
    "dec.nv": "{vendor} 沒有評定結果：不能被選為首選。",
    "dec.none_passed": "沒有廠商達成所有門檻：run --plan 與 report --plan 以結束碼 3 結束。",
    "dec.score.title": "決策：加權分數",
    "dec.score.lede": "每項準則縮放到 0-1（越高越好；成本與延遲為最佳廠商的數值除以此廠商的數值），"
                      "加權後加總。區間以情境自助抽樣（bootstrap）求得；若與領先者差距的區間觸及 0，"
                      "即與領先者在統計上並列。首選為達成所有門檻的廠商中分數最高者。",
    "dec.weights": "權重（正規化為總和 1）：{weights}。",
    "dec.bootstrap": "區間來自 {n} 次自助重抽樣，種子 {seed}。",
    "dec.col.rank": "名次",
    "dec.col.gates": "達成所有門檻",
    "dec.col.score": "加權分數",
    "dec.col.tied": "與領先者並列",
    "dec.leader": "首選：{vendor}。",
    "dec.leader.none_passed": "沒有廠商達成所有門檻；加權分數最高的是 {vendor}，僅供參考。",
    "dec.tied": "與 {leader} 在統計上並列：{vendors}。",
    "dec.tied.none": "沒有廠商與 {leader} 在統計上並列。",
    "dec.no_vendor": "計畫中的廠商都不在本次執行中。",
    "dec.crit.title": "決策：各項準則",
    "dec.crit.lede": "各廠商每項準則在加權前的 0-1 分數（成本與延遲另附每項完成任務的成本及 p95 時間）。",
    "dec.sens.title": "決策：權重敏感度",
    "dec.sens.lede": "每個權重可以調整多少（其他權重維持比例），{leader} 才不再是首選，以及由誰取代。",
    "dec.col.criterion": "準則",
    "dec.col.weight": "權重",
    "dec.col.up": "調高時，首選在此改變",
    "dec.col.down": "調低時，首選在此改變",
    "dec.sens.at": "{w}（{vendor}）",
    "dec.sens.never": "不會",
    "dec.sens.one": "只有一個候選廠商：任何權重都不會改變選擇。",
    # 案例包重播 (report/agreement.py)
    "html.nav.cases": "您的案例",
    "case.agree.title": "與您團隊的一致程度（案例包）",
    "case.agree.lede": "每個抽樣案例都在由該案例建立的沙盒世界中對每家廠商重播：廠商是否讓案例的紀錄與您團隊的處理結果相同（重要欄位與決定）？95% Wilson 信賴區間。「什麼都不做」是完全不動作的廠商在相同案例上會得到的一致率：只有當廠商區間的下限高於它時，才算勝過什麼都不做。",
    "case.col.vendor": "廠商",
    "case.col.cases": "案例數",
    "case.col.agreed": "一致",
    "case.col.rate": "一致率",
    "case.col.interval": "95% 區間",
    "case.col.nothing": "什麼都不做",
    "case.col.did_nothing": "未做任何事",
    "case.col.agreed_by_nothing": "因不做事而一致",
    "case.col.changing_more": "一致但改動更多",
    "case.col.marked_better": "標記為較佳",
    "case.col.adjusted": "調整後一致率",
    "case.col.beats": "勝過什麼都不做",
    "case.yes": "是",
    "case.no": "否",
    "case.not_judged": "{vendor}：{n} 個案例未評定（agentcheck 在該次試驗中出錯；請再執行 agentcheck run --cases）",
    "case.agree.after": "一致但改動更多：決定與團隊一致，但也改動了團隊未動的其他欄位或紀錄（該次試驗的評定將其計為附帶損害）。調整後一致率：把人員在 review.yaml 中標記為 `better: vendor` 的不一致案例也算為一致。",
    "case.agree.after.unreviewed": "一致但改動更多：決定與團隊一致，但也改動了團隊未動的其他欄位或紀錄（該次試驗的評定將其計為附帶損害）。調整後一致率：把人員在 review.yaml 中標記為 `better: vendor` 的不一致案例也算為一致（尚未標記：請填寫 review.yaml 後再執行 agentcheck report）。",
    "case.agree.empty": "沒有重播任何案例。",
    "case.cat.title": "各類別的一致程度",
    "case.cat.lede": "每家廠商在案例表各類別中一致的案例數。",
    "case.col.category": "類別",
    "case.cat.empty": "此案例包未指定類別欄位。",
    "case.dis.title": "不一致的案例（依影響排序）",
    "case.dis.lede": "廠商未達成您團隊處理結果的案例，影響最大者在前（案例包的影響欄位，例如金額），並列出雙方結果與廠商改動的內容。請在 review.yaml 中標記廠商處理得可能更好的案例。",
    "case.col.case": "案例",
    "case.col.impact": "影響",
    "case.col.team": "您的團隊",
    "case.col.changed": "廠商改動的內容",
    "case.col.review": "人工審查",
    "case.side.decision": "決定 {decision}",
    "case.side.empty": "（空白）",
    "case.nothing": "無",
    "case.undecided": "未決定",
    "case.dis.more": "……另有 {n} 筆，見 cases.jsonl",
    "case.dis.empty": "每家廠商在每個案例上都與您的團隊一致。",
    "case.q.title": "樣本的資料品質",
    "case.q.lede": "廠商面對的案例有多雜亂，依案例表的每個欄位：缺漏值、重複值、格式（日期與金額的多種寫法）、只差在大小寫或空白的值。",
    "case.col.column": "欄位",
    "case.col.kind": "種類",
    "case.col.missing": "缺漏",
    "case.col.repeated": "重複",
    "case.col.formats": "格式",
    "case.col.variants": "大小寫／空白變體",
    "case.col.untrimmed": "未去除空白",
    "case.col.inconsistent": "不一致",
    "case.q.strata": "，依 {column} 分層（{strata}）",
    "case.q.note": "自 {population} 個案例中抽樣 {sampled} 個（種子 {seed}）{strata}；略過 {empty} 個空白列、{duplicates} 個重複案例列、{unresolved} 列沒有人工處理結果；{masked}。",
    "case.q.masked": "已遮罩",
    "case.q.unmasked": "未遮罩",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh-TW": ZH_TW}
LANGUAGES = tuple(CATALOGUES)

_current: ContextVar[str] = ContextVar("agentcheck_report_lang", default=DEFAULT)


def check_lang(lang: str | None) -> str:
    """The language code to render in ('en' for None); a ConfigError naming the supported
    ones for any other."""
    if lang is None:
        return DEFAULT
    if lang not in CATALOGUES:
        raise ConfigError(f"unknown report language {lang!r}: supported are "
                          + ", ".join(LANGUAGES))
    return lang


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Render in `lang` inside the block (English for None)."""
    token = _current.set(check_lang(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current() -> str:
    return _current.get()


def t(key: str, **fields: object) -> str:
    """The text of `key` in the current language, its named fields filled in."""
    template = CATALOGUES[_current.get()][key]
    return template.format(**fields) if fields else template
