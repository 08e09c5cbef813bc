"""Deterministic generator of realistic Lectern posts for benchmarks.

Benchmarks compare builds side by side, so every command must read byte-identical input: the
corpus depends only on `(n, seed)`, never on the clock or on `random`'s global state. Posts follow
the metadata contract (README.md, "Writing a post") and look like what our executives write — headings, lists,
links, emphasis, the odd code block and image, and a few posts with CJK, emoji and accents — so
Markdown, the theme, feeds and the brand guard all do their real amount of work.

Usage: `python bench/corpus.py --posts 1000 --out bench/scratch/corpus-1000`
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = 5  # fixed: every run, and every N, generates the same posts

AUTHORS = ("Dana Whitfield", "Marcus Oyelaran", "Priya Raman")
CATEGORIES = ("Finance Operations", "Engineering", "Customers", "Security", "Partnerships", "Company")
TAGS = (
    "month-end close", "controllers", "trust", "automation", "audit", "integrations", "cash flow",
    "forecasting", "security", "compliance", "accounts payable", "accounts receivable", "partners",
    "referrals", "culture", "hiring", "reconciliation", "CFO", "ERP", "reporting",
)
SUBJECTS = (
    "the close", "our controllers", "a mid-market distributor", "the finance team", "every auditor",
    "the CFO", "our customers", "the reconciliation queue", "the approval workflow", "the ledger",
    "a regional manufacturer", "accounts payable", "the audit trail", "the forecast", "our partners",
)
VERBS = (
    "depends on", "starts with", "rewards", "exposes", "changes", "simplifies", "measures",
    "protects", "slows down", "speeds up", "depends less on", "earns", "documents", "replaces",
)
OBJECTS = (
    "trust in the numbers", "a clear owner for every account", "evidence a reviewer can check",
    "fewer manual re-checks", "a shorter close", "the quarterly review", "cash visibility",
    "a predictable calendar", "small, visible steps", "one source of truth", "honest variance notes",
    "the approval chain", "the bank feed", "vendor onboarding", "the questions auditors ask",
)
OPENERS = (
    "In practice,", "Last quarter,", "More often than not,", "Across our customers,", "In our experience,",
    "When we looked closely,", "Every month,", "For most teams,", "Put simply,", "Again and again,",
    "Here's the thing:", "Honestly, we've learned that", "As one controller told me, \"it's about trust\" --",
)
TAILS = (
    "and the difference shows up on day one.", "which is why we changed our rollout.",
    "long before anyone opens a spreadsheet.", "even when the software is excellent.",
    "and nobody has to chase an email thread.", "so the review takes minutes, not days.",
    "because people believe what they can verify.", "and that is a leadership choice.",
    "and that's not a tooling problem.", "even when the numbers aren't \"just to be safe\" checks.",
    "which our customers' auditors noticed...", "and it doesn't happen by accident.",
)
HEADINGS = (
    "The pattern we keep seeing", "What changed", "Why it matters", "What we measure",
    "How we roll it out", "Where teams get stuck", "What auditors ask", "The numbers",
    "What we are building next", "Three questions to ask", "A note on tooling", "What we learned",
)
UNICODE_LINES = (
    "Our Tokyo partners call it 信頼の会計 — accounting you can trust. 🇯🇵",
    "A controller in Lyon put it best: « la clôture est une question de confiance » ✅",
    "Our São Paulo team shipped the Portuguese templates in a week — obrigado! 🎉",
    "The Zürich office reviewed every naïve assumption in the Straße-level address data. 🔍",
    "在月末结账时，信任比工具更重要。📈",
)
LINKS = (
    ("our close checklist", "https://www.northwindledger.example/resources/close-checklist"),
    ("the audit guide", "https://www.northwindledger.example/resources/audit-guide"),
    ("the integration docs", "https://docs.northwindledger.example/integrations"),
    ("last year's survey", "https://www.northwindledger.example/research/close-survey"),
)
CODE = """```python
def unmatched(bank, ledger):
    \"\"\"Lines a controller still has to look at by hand.\"\"\"
    seen = {(line.amount, line.reference) for line in ledger}
    return [line for line in bank if (line.amount, line.reference) not in seen]
```"""
IMAGE = "close-calendar.png"
FIRST_DATE = datetime(2019, 1, 7, 8, 30)


@dataclass(frozen=True)
class Corpus:
    content: Path
    posts: int
    words: int


def sentence(rng: random.Random) -> str:
    """One plausible executive-blog sentence, with the occasional emphasis."""
    subject = rng.choice(SUBJECTS)
    obj = rng.choice(OBJECTS)
    roll = rng.random()
    if roll < 0.12:
        obj = f"*{obj}*"
    elif roll < 0.18:
        obj = f"**{obj}**"
    text = f"{rng.choice(OPENERS)} {subject} {rng.choice(VERBS)} {obj}, {rng.choice(TAILS)}"
    return text


def paragraph(rng: random.Random) -> str:
    sentences = [sentence(rng) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.25:
        label, url = rng.choice(LINKS)
        sentences.append(f"We wrote more about it in [{label}]({url}).")
    return " ".join(sentences)


def body(rng: random.Random, target_words: int, unicode_post: bool) -> str:
    """Blocks of prose, headings and lists until the post reaches `target_words`."""
    blocks: list[str] = []
    words = 0
    since_heading = 0
    while words < target_words:
        if since_heading >= 3 and rng.random() < 0.5:
            blocks.append(f"## {rng.choice(HEADINGS)}")
            since_heading = 0
            continue
        roll = rng.random()
        if roll < 0.15:
            marker = "1." if rng.random() < 0.4 else "-"
            block = "\n".join(f"{marker} {rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} "
                              f"{rng.choice(OBJECTS)}." for _ in range(rng.randint(3, 5)))
        elif roll < 0.18:
            block = CODE
        elif roll < 0.20:
            block = f"![A close calendar with the first five days marked]({{static}}/images/{IMAGE})"
        elif roll < 0.24:
            block = f"> {sentence(rng)}"
        else:
            block = paragraph(rng)
        blocks.append(block)
        words += len(block.split())
        since_heading += 1
    if unicode_post:
        blocks.insert(1, rng.choice(UNICODE_LINES))
    return "\n\n".join(blocks)


def post(index: int, rng: random.Random) -> tuple[str, str, int]:
    """Return (file name, file text, body word count) of post number `index`."""
    date = FIRST_DATE + timedelta(days=index // 2, hours=(index % 2) * 5, minutes=rng.randint(0, 59))
    unicode_post = index % 37 == 5
    title = f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if unicode_post:
        title += rng.choice((" — 信頼 📈", " à la française", " (naïve no more) ✨"))
    title = f"{title} #{index}"
    tags = rng.sample(TAGS, rng.randint(1, 4))
    text = body(rng, rng.randint(600, 1200), unicode_post)
    header = [
        f"Title: {title}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Author: {AUTHORS[index % len(AUTHORS)]}",
        f"Category: {rng.choice(CATEGORIES)}",
        f"Tags: {', '.join(tags)}",
        f"Summary: {sentence(rng)} {sentence(rng)}",
    ]
    if rng.random() < 0.3:
        header.append(f"Image: images/{IMAGE}")
    if rng.random() < 0.4:
        header.append(f"Social: {sentence(rng)}")
    if rng.random() < 0.2:
        header.append("Audience: public")
    name = f"{date:%Y-%m-%d}-post-{index:05d}.md"
    return name, "\n".join(header) + "\n\n" + text + "\n", len(text.split())


def generate(n: int, dest: Path, seed: int = SEED) -> Corpus:
    """Write `n` posts (plus our pages, images and robots.txt) into `dest` and return totals.

    `dest` is replaced: a stale corpus with a different N must never leak into a measurement.
    """
    if dest.exists():
        shutil.rmtree(dest)
    posts_dir = dest / "posts"
    posts_dir.mkdir(parents=True)
    for folder in ("pages", "images", "extra"):
        shutil.copytree(REPO / "content" / folder, dest / folder)
    words = 0
    for index in range(n):
        rng = random.Random(f"{seed}:{index}")  # per-post stream: post i is the same for every N
        name, text, count = post(index, rng)
        (posts_dir / name).write_text(text, encoding="utf-8")
        words += count
    return Corpus(dest, n, words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "scratch" / "corpus")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    corpus = generate(args.posts, args.out, args.seed)
    print(f"{corpus.posts} posts, {corpus.words} words in {corpus.content}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
