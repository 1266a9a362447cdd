"""validation's region check: the regions of botocore's partition data, read without its endpoint data."""

import botocore.session

from ansible_collections.cloudpatch.ssm.plugins.module_utils import validation


def test_every_region_botocore_resolves_ssm_in_is_known():
    session = botocore.session.get_session()
    listed = set()
    for partition in session.get_available_partitions():
        listed.update(session.get_available_regions("ssm", partition_name=partition))
    assert listed and listed <= validation.known_regions()


def test_the_global_pseudo_regions_and_misspellings_are_not_regions():
    regions = validation.known_regions()
    assert "us-east-1" in regions and "cn-north-1" in regions and "us-gov-west-1" in regions
    for name in ("aws-global", "aws-cn-global", "aws-us-gov-global", "us-east-1 ", "us-east", "eu-wset-1", ""):
        assert name not in regions


def test_region_error_names_the_option():
    assert validation.region_error("output_s3_region", "us-east-1") is None
    assert validation.region_error("output_s3_region", None) is None
    assert validation.region_error("output_s3_region", "eu-wset-1") == (
        "output_s3_region must be an AWS region such as us-east-1, got 'eu-wset-1'")


def test_known_regions_reads_no_endpoint_data(monkeypatch):
    # endpoints.json costs every module run about 50 ms to parse; partitions.json a fraction of one.
    def refuse(*args, **kwargs):
        raise AssertionError("known_regions read botocore's endpoint data")

    monkeypatch.setattr(validation._botocore_session(), "get_available_regions", refuse)
    monkeypatch.setattr(validation._botocore_session(), "get_available_partitions", refuse)
    validation.known_regions.cache_clear()
    try:
        assert "eu-west-1" in validation.known_regions()
    finally:
        validation.known_regions.cache_clear()
