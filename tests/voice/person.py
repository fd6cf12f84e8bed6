"""What a scripted person answers to each of the coach's questions in appreciation, by voice."""

from __future__ import annotations

ANSWERS = {
    "how close": "seven",
    "Shall we begin": "yes",
    "Ready to start": "yes",
    "quality you value": "kindness",
    "else do you value": "humour",
    "second quality": "humour",
    "third": "patience",
    "When did you last see": "last sunday at breakfast",
    "Go ahead whenever": "thank you for being so kind",
    "recall a time": "when my car broke down",
    "notice it last": "yesterday evening",
    "How would you like to tell them": "a letter",
    "When could you do it": "friday evening",
    "say it aloud now": "no",
    "Would you like to pause": "no",
    "one thing you like about": "kindness",
    "one time they showed": "when my car broke down",
    "one more thing you like": "humour",
    "Think of one time": "yesterday evening",
    "last thing you like": "patience",
    "Which day could you tell them": "friday evening",
    "Did you": "yes",
    "Sorry, I didn't": "",
}


def answer_for(question: str) -> str:
    """The answer to a question (matched by a few words of it); fails on a surprise."""
    for cue, answer in ANSWERS.items():
        if cue.lower() in question.lower():
            return answer
    raise AssertionError(f"the scripted person has no answer for: {question}")


class QuietSpeaker:
    """A speaker that plays nothing: what the coach says is kept in `said`, at once."""

    said: list[str]

    @property
    def speaking(self) -> bool:
        return False

    @property
    def spoken_text(self) -> str:
        return ""

    def say(self, lines: list[str], rate: int = 0) -> None:
        self.said += lines

    def stop(self) -> None:
        pass
