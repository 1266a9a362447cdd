# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Kept equal to galaxy.yml's version by a unit test.
CLOUDPATCH_SSM_COLLECTION_NAME = "cloudpatch.ssm"
CLOUDPATCH_SSM_COLLECTION_VERSION = "0.1.0"
