"""Speak corpus lines with espeak-ng and write down what the coach's recognisers hear.

The safety screen must work on what a recogniser writes, misheard words and all, not
only on typed text. This makes data/safety/heard/: for a third of the lines of
data/safety/train/ (chosen by a hash of the words, so adding lines changes nothing
else), espeak-ng says it in one of three voices and Moonshine (the coach's recogniser
for open answers) writes it down; a quarter of those also go through PocketSphinx's
free recognition, which hears open answers when Moonshine is not installed. Each heard
line keeps its source, so it lands in the same part of the split
(scripts/safety_corpus.py). Lines already heard are kept, so a run can be resumed or
extended; --shard K/N runs one of N processes side by side (one file each).

    PYTHONPATH=. .venv/bin/python scripts/safety_heard.py --shard 0/2 &
    PYTHONPATH=. .venv/bin/python scripts/safety_heard.py --shard 1/2    # ~15 minutes
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zlib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from coach.voice.asr import PocketSphinxRecogniser, Recogniser  # noqa: E402
from coach.voice.moonshine import MoonshineRecogniser  # noqa: E402
from coach.voice.wavfile import pad, read_wav  # noqa: E402
from scripts.benchmarks.accuracy import speak  # noqa: E402
from scripts.benchmarks.open_answers import RATE, VOICES, hear  # noqa: E402
from scripts.safety_corpus import CORPUS, HEARD, read  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shard", default="0/1", help="K/N: this is process K of N")
    args = parser.parse_args()
    shard, shards = (int(n) for n in args.shard.split("/"))
    HEARD.mkdir(exist_ok=True)
    path = HEARD / f"shard-{shard}.yaml"
    kept = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    done = {(row["source"], row["engine"]) for row in kept or []}
    items = [i for found in sorted((CORPUS / "train").glob("*.yaml")) for i in read(found)]
    moonshine, sphinx = MoonshineRecogniser(), PocketSphinxRecogniser()
    with tempfile.TemporaryDirectory() as folder, path.open("a", encoding="utf-8") as out:
        if kept is None:
            out.write(
                "# Corpus lines spoken by espeak-ng and written down by the coach's recognisers\n"
                "# (scripts/safety_heard.py). `source` is the line that was spoken.\n"
            )
        for number, item in enumerate(items):
            key = zlib.crc32(item.text.encode())
            if key % 3 or (key // 3) % shards != shard:
                continue
            engines: list[tuple[str, Recogniser]] = [("moonshine", moonshine)]
            if (key // 27) % 4 == 0:
                engines.append(("pocketsphinx", sphinx))
            todo = [(name, r) for name, r in engines if (item.text, name) not in done]
            if not todo:
                continue
            voice = VOICES[(key // 9) % 3]
            audio = pad(read_wav(speak(Path(folder), item.text, voice, RATE)), 0.3, 1.0)
            for name, recogniser in todo:
                heard = hear(recogniser, audio).strip()
                if heard:
                    row = {
                        "text": heard,
                        "label": item.label,
                        "style": item.style,
                        "sign": item.sign,
                        "source": item.text,
                        "engine": name,
                    }
                    dumped = yaml.safe_dump(row, default_flow_style=True, width=10_000).strip()
                    out.write(f"- {dumped}\n")
                    out.flush()
            if number % 500 == 0:
                print(number, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
