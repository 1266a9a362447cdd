def test_sandbox_serves_moto_services(clean_sandbox):
    ec2 = clean_sandbox.client("ec2")
    assert ec2.describe_regions()["Regions"]
