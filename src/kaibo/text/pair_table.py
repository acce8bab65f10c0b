"""The bookkeeping behind BPE: a token sequence where merging a pair everywhere is cheap.

Tokens sit in a doubly linked list (each knows the position before and after it, −1 at a chunk's edge, so
no pair spans two chunks). For every adjacent pair (a, b) the table knows where it occurs. Merging (a, b)
into c visits only those places, and fixes the counts of the pairs around each: (x, a) and (b, y) lose one,
(x, c) and (c, y) gain one. Training and encoding then cost about the number of merges done, not
(length of text) × (number of merges) as recounting everything after each merge would.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

Pair = tuple[int, int]


class PairTable:
    """Chunks of token ids, and where each adjacent pair occurs."""

    def __init__(self, chunks: list[list[int]]) -> None:
        self.token: list[int] = []
        self.next: list[int] = []
        self.prev: list[int] = []
        for chunk in filter(None, chunks):                    # an empty chunk has no tokens and no pairs
            start = len(self.token)
            self.token.extend(chunk)
            self.prev.extend([-1] + list(range(start, start + len(chunk) - 1)))
            self.next.extend(list(range(start + 1, start + len(chunk))) + [-1])
        self.alive = [True] * len(self.token)
        self.where: dict[Pair, set[int]] = defaultdict(set)   # pair → positions of its first token
        self.heap: list[tuple[int, Pair]] = []                # (−count, pair), checked when popped
        for position, following in enumerate(self.next):
            if following != -1:
                self.where[(self.token[position], self.token[following])].add(position)
        for pair, places in self.where.items():
            self.heap.append((-len(places), pair))
        heapq.heapify(self.heap)

    def count(self, pair: Pair) -> int:
        """How many times `pair` occurs (overlapping occurrences such as "aaa" counted each time)."""
        places = self.where.get(pair)
        return len(places) if places else 0

    def most_frequent(self) -> tuple[Pair, int] | None:
        """The pair that occurs most often; on a tie the smallest (a, b). None when no pair is left."""
        while self.heap:
            negative, pair = self.heap[0]
            if -negative == self.count(pair) and negative < 0:
                return pair, -negative
            heapq.heappop(self.heap)                          # stale: the count changed since it was pushed
        return None

    def top(self, k: int) -> list[tuple[Pair, int]]:
        """The k most frequent pairs with their counts (same order as `most_frequent`)."""
        counts = ((pair, len(places)) for pair, places in self.where.items() if places)
        return heapq.nsmallest(k, counts, key=lambda item: (-item[1], item[0]))

    def merge(self, pair: Pair, new: int) -> int:
        """Replace every (a, b) by `new`, left to right; returns how many were replaced."""
        a, b = pair
        done = 0
        for p in sorted(self.where.get(pair, ())):
            q = self.next[p]
            if not self.alive[p] or q == -1 or self.token[p] != a or self.token[q] != b:
                continue                                      # used up by the merge just before ("aaa")
            left, right = self.prev[p], self.next[q]
            if left != -1:
                self._drop((self.token[left], a), left)
            self._drop(pair, p)
            if right != -1:
                self._drop((b, self.token[right]), q)
            self.token[p], self.alive[q], self.next[p] = new, False, right
            if right != -1:
                self.prev[right] = p
                self._add((new, self.token[right]), p)
            if left != -1:
                self._add((self.token[left], new), left)
            done += 1
        return done

    def _drop(self, pair: Pair, position: int) -> None:
        places = self.where[pair]
        places.discard(position)
        if places:
            heapq.heappush(self.heap, (-len(places), pair))   # its older, larger entries are now stale

    def _add(self, pair: Pair, position: int) -> None:
        places = self.where[pair]
        places.add(position)
        heapq.heappush(self.heap, (-len(places), pair))

    def chunks(self) -> list[list[int]]:
        """The current tokens, chunk by chunk."""
        out: list[list[int]] = []
        for start, before in enumerate(self.prev):
            if before == -1 and self.alive[start]:
                chunk, p = [], start
                while p != -1:
                    chunk.append(self.token[p])
                    p = self.next[p]
                out.append(chunk)
        return out

    def tokens(self) -> list[int]:
        return [t for chunk in self.chunks() for t in chunk]
