"""The consultation log and online questions (Legal Aid Law Art 23; docs/domain.md, consultations)."""
