"""The reviewer's audit: published numbers against the reproduced results files
(:mod:`~clusterup.audit.published`) and the internal consistency of the printed numbers
(:mod:`~clusterup.audit.consistency`)."""
