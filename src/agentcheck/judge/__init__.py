"""Judging: one trial's checks and score, honesty (claims, answers, made-up values, leaks), and a
vendor's verdict with its statistics. Reads scenarios and trajectories; never talks to vendors."""
