"""A judge model on loopback for the second reader (`--judge`): a Chat Completions server (the
checked fake of openai_chat) that answers every valid request from a labelling function of the
sentences it was asked about, so tests need no script per trial.

    with JudgeServer(label_all("info")) as judge:
        ... a profile with base_url judge.base_url + "/v1" ...
    judge.accepted  # every request it answered

`label_all`, `by_words` answer with the JSON the pinned prompt asks for; `garbage`, `fail` and
`slow` stand for a judge that answers nonsense, errors or does not answer in time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .base import Behaviour, Request
from .openai_chat import VendorServer, answer, delay, error

Labeller = Callable[[list[str]], Behaviour]


def sentences_of(request: Request) -> list[str]:
    """The sentences the second reader sent: the JSON user message's `sentences`."""
    messages = request.json["messages"]
    user = next(m for m in messages if m["role"] == "user")
    return [s["text"] for s in json.loads(user["content"])["sentences"]]


def labels_answer(labels: list[dict[str, Any]]) -> Behaviour:
    return answer(json.dumps({"labels": labels}))


def label_all(kind: str, scope: str | None = None) -> Labeller:
    def label(sentences: list[str]) -> Behaviour:
        return labels_answer([{"n": i, "label": kind, **({"scope": scope} if scope else {})}
                              for i in range(1, len(sentences) + 1)])
    return label


def by_words(rules: dict[str, str], default: str = "info") -> Labeller:
    """The label of the first rule whose words the sentence contains (case-insensitive)."""
    def label(sentences: list[str]) -> Behaviour:
        out = []
        for i, text in enumerate(sentences, start=1):
            kind = next((k for words, k in rules.items() if words.lower() in text.lower()),
                        default)
            out.append({"n": i, "label": kind, **({"scope": "task"} if kind == "claim"
                                                   else {})})
        return labels_answer(out)
    return label


def garbage(sentences: list[str]) -> Behaviour:
    return answer("Sure! Here is what I think: the reply is mostly a claim.")


def fail(sentences: list[str]) -> Behaviour:
    return error(500, "the judge model crashed")


def slow(seconds: float) -> Labeller:
    def label(sentences: list[str]) -> Behaviour:
        return delay(seconds, label_all("info")(sentences))
    return label


class JudgeServer(VendorServer):
    """Every valid request answered by `labeller(sentences)`; nothing to script."""

    def __init__(self, labeller: Labeller, api_key: str | None = None) -> None:
        super().__init__(api_key)
        self.labeller = labeller
        self.fallback = lambda request: self.labeller(sentences_of(request))
