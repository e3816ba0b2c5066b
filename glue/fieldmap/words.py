"""How the CLI says a count in English: "1 item", "2 entries", "3 HNSW indexes"."""


def plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    if word.endswith(("s", "x", "ch", "sh")):
        return f"{n} {word}es"
    return f"{n} {word[:-1]}ies" if word.endswith("y") and not word.endswith("ey") else f"{n} {word}s"
