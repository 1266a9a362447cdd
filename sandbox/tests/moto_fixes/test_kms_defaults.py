"""CreateKey with no arguments answers AWS's defaults."""


def test_a_key_created_without_arguments_has_aws_defaults(sandbox):
    metadata = sandbox.client("kms").create_key()["KeyMetadata"]
    assert (metadata["KeyUsage"], metadata["MultiRegion"]) == ("ENCRYPT_DECRYPT", False)


def test_given_values_are_kept(sandbox):
    metadata = sandbox.client("kms").create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]
    assert (metadata["KeyUsage"], metadata["MultiRegion"]) == ("SIGN_VERIFY", False)
