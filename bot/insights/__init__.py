"""Program insights for managers: a program's metrics over time, its funnel and waiting list,
and the charts of them, for the digest and the web dashboard. Counts and signals only."""
