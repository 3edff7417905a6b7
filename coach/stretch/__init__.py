"""The guided stretch: the player's timeline (holds, reps, rests, on a monotonic deadline) and
its spoken and sounded cues. Knows nothing of Textual."""
