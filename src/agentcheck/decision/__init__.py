"""Decide against business targets: the evaluation plan (plan.py), the decision it yields on a
run's results (judge.py: gates with their intervals, weighted scores, sensitivity; records in
model.py). Reads results and the judge's statistics only, never scenarios, runs or vendors, so
a report can re-judge a finished run under an edited plan."""
