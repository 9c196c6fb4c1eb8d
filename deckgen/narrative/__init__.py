"""The narrative step: from metrics to what each sentence says, as typed records with claims.

Between the metrics and the slide model, it computes every number a sentence states and picks
every sentence variant (enums, not strings); the wording templates only put them into words.
"""
