#!/usr/bin/env python3
"""Writes the generated files of this corpus (deterministic; rerun after editing, commit the
result): deep.ndjson, events nested 127, 128 and 200 levels deep (the event object counts as
one level). The 10,000-level case is built by the test itself in a temporary directory."""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def nested(event_id: str, levels: int) -> str:
    """An event whose `deep` member holds arrays so that `levels` containers nest in all."""
    inner = levels - 1
    return (
        f'{{"eventId":"{event_id}","eventName":"Deep","eventTime":"2024-03-01T10:00:00Z",'
        f'"deep":{"[" * (inner - 1)}{{"leaf":"bottom"}}{"]" * (inner - 1)}}}'
    )


def main() -> None:
    lines = [nested("DEEP-127", 127), nested("DEEP-128", 128), nested("DEEP-200", 200)]
    (HERE / "deep.ndjson").write_text("".join(line + "\n" for line in lines))


if __name__ == "__main__":
    main()
