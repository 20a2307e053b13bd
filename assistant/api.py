"""The product's public API: `Assistant.load(settings).ask(question, role, history) -> Answer`.

STUB CONTRACT (implemented by the «Cited answers» work):

    class Assistant:
        @classmethod
        def load(cls, settings: Settings | None = None) -> Assistant   # opens the index once;
              raises IndexMissingError (message: «Fant ingen indeks i … Kjør hjemmel ingest.»)
        index: ingest.index.Index
        settings: Settings
        def ask(self, question: str, role: str = "alle",
                history: Sequence[Turn] = ()) -> Answer
              # unknown role -> UnknownRoleError; empty/huge question -> refused Answer with a message
        def retrieve(self, question: str, role: str = "alle", history: Sequence[Turn] = (),
                     k: int = 10, pipeline: str = "hybrid") -> list[Hit]
              # pipeline in {"hybrid", "bm25", "dense"}; ranked best first
"""
