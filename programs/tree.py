"""Build the program tree in memory from one query's rows."""

from collections import defaultdict


def build_tree(programs) -> list:
    """Attach each program's children as `.kids` (ordered) and return the roots."""
    kids = defaultdict(list)
    for program in programs:
        kids[program.parent_id].append(program)
    for program in programs:
        program.kids = kids.get(program.pk, [])
    return kids.get(None, [])


def walk(nodes, depth: int = 0):
    """Yield (program, depth) in reading order."""
    for node in nodes:
        yield node, depth
        yield from walk(node.kids, depth + 1)
