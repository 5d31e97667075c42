"""Many files at once: comparing two submissions (diff). DESIGN §6 points collect, pipeline, consolidate and the
batch jobs here as well; they move one at a time."""
