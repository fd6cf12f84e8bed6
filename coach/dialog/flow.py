"""The transitions of an exercise, as plain data for `transitions` machines and diagrams."""

from __future__ import annotations

from typing import Any

from coach.dialog.spec import Dialog, State


def state_triggers(state: State) -> list[tuple[str, str]]:
    """(trigger, target) pairs leaving one state; the trigger names the answer that fires it."""
    pairs: list[tuple[str, str]] = []
    if state.expect == "yes_no":
        pairs += [(answer, state.on.get(answer) or state.next or "") for answer in ("yes", "no")]
    elif state.expect == "choice":
        for option in state.options:
            pairs.append(
                (f"choose_{option.id}", option.next or state.on.get(option.id) or state.next or "")
            )
    elif state.next:
        pairs.append(("next", state.next))
    skip = state.skip_target()
    if skip and state.expect != "none" and not state.end:
        pairs.append(("skip", skip))
    return [(trigger, target) for trigger, target in pairs if target]


def machine_config(dialog: Dialog) -> dict[str, Any]:
    """Keyword arguments for a `transitions.Machine` that walks this exercise."""
    transitions = [
        {"trigger": trigger, "source": state.id, "dest": target}
        for state in dialog.states.values()
        for trigger, target in state_triggers(state)
    ]
    return {
        "states": list(dialog.states),
        "transitions": transitions,
        "initial": dialog.start,
        "auto_transitions": False,
        "send_event": False,
    }


def mermaid(dialog: Dialog) -> str:
    """The exercise as a Mermaid state diagram, drawn by transitions' own diagram support."""
    from transitions.extensions.diagrams import GraphMachine

    class _Model:
        pass

    model = _Model()
    config = machine_config(dialog)
    config["title"] = dialog.title
    GraphMachine(model=model, graph_engine="mermaid", show_conditions=False, **config)
    source: str = model.get_graph().draw(None)  # type: ignore[attr-defined]
    # transitions colours the machine's current state, which means nothing in a document,
    # and writes a bare title where Mermaid's front matter wants `title:`.
    lines = [
        line
        for line in source.splitlines()
        if line.strip() and not line.strip().startswith(("Class ", "classDef "))
    ]
    if lines[:1] == ["---"] and len(lines) > 2 and lines[2] == "---":
        lines[1] = f"title: {lines[1]}"
    source = "\n".join(line.replace("direction LR", "direction TB") for line in lines)
    ends = [s.id for s in dialog.states.values() if s.end]
    return source.rstrip("\n") + "\n" + "".join(f"  {end} --> [*]\n" for end in ends)


def write_svg(dialog: Dialog, out: str) -> None:
    """Render with Graphviz (needs the `graphviz` Python package and its `dot` binary)."""
    from transitions.extensions.diagrams import GraphMachine

    class _Model:
        pass

    model = _Model()
    config = machine_config(dialog)
    config["title"] = dialog.title
    GraphMachine(model=model, graph_engine="graphviz", **config)
    model.get_graph().draw(out, format="svg", prog="dot")  # type: ignore[attr-defined]
