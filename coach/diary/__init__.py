"""The read model of the diary: nights and their facts, adherence, streaks and cramp weeks,
trends, when to ask the morning check-in, the words for a night, and the exports."""
