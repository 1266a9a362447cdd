"""The AWS CLI's documented examples for the patch baseline, patch group, patch state, compliance and
managed node operations, transcribed as data: each example's request (the CLI's options as the API's
members) and its output (verbatim from the .rst file, "..." where the example elides list items).

Source: github.com/aws/aws-cli, awscli/examples/ssm/<command>.rst (the file and example number are
named on each entry). Ids in a request (`pb-...`, `i-...`) are the example's; a test replaces them
with the ones it seeded. An example that shows no output has `"output": None`.
"""

# pylint: disable=line-too-long

# awscli/examples/ssm/create-patch-baseline.rst, output block 1
CREATE_PATCH_BASELINE_OUTPUT_1 = {'BaselineId': 'pb-045f10b4f3EXAMPLE'}

# awscli/examples/ssm/create-patch-baseline.rst, output block 2
CREATE_PATCH_BASELINE_OUTPUT_2 = {'BaselineId': 'pb-045f10b4f3EXAMPLE'}

# awscli/examples/ssm/get-patch-baseline.rst, output block 1
GET_PATCH_BASELINE_OUTPUT_1 = {'BaselineId': 'pb-0123456789abcdef0',
 'Name': 'WindowsPatching',
 'OperatingSystem': 'WINDOWS',
 'GlobalFilters': {'PatchFilters': []},
 'ApprovalRules': {'PatchRules': [{'PatchFilterGroup': {'PatchFilters': [{'Key': 'PRODUCT',
                                                                          'Values': ['WindowsServer2016']}]},
                                   'ComplianceLevel': 'CRITICAL',
                                   'ApproveAfterDays': 0,
                                   'EnableNonSecurity': False}]},
 'ApprovedPatches': [],
 'ApprovedPatchesComplianceLevel': 'UNSPECIFIED',
 'ApprovedPatchesEnableNonSecurity': False,
 'RejectedPatches': [],
 'RejectedPatchesAction': 'ALLOW_AS_DEPENDENCY',
 'PatchGroups': ['QA', 'DEV'],
 'CreatedDate': 1550244180.465,
 'ModifiedDate': 1550244180.465,
 'Description': 'Patches for Windows Servers',
 'Sources': []}

# awscli/examples/ssm/update-patch-baseline.rst, output block 1
UPDATE_PATCH_BASELINE_OUTPUT_1 = {'BaselineId': 'pb-0123456789abcdef0',
 'Name': 'WindowsPatching',
 'OperatingSystem': 'WINDOWS',
 'GlobalFilters': {'PatchFilters': []},
 'ApprovalRules': {'PatchRules': [{'PatchFilterGroup': {'PatchFilters': [{'Key': 'PRODUCT',
                                                                          'Values': ['WindowsServer2016']}]},
                                   'ComplianceLevel': 'CRITICAL',
                                   'ApproveAfterDays': 0,
                                   'EnableNonSecurity': False}]},
 'ApprovedPatches': ['KB2124261'],
 'ApprovedPatchesComplianceLevel': 'UNSPECIFIED',
 'ApprovedPatchesEnableNonSecurity': False,
 'RejectedPatches': ['KB2032276', 'MS10-048'],
 'RejectedPatchesAction': 'ALLOW_AS_DEPENDENCY',
 'CreatedDate': 1550244180.465,
 'ModifiedDate': 1550244180.465,
 'Description': 'Patches for Windows Servers',
 'Sources': []}

# awscli/examples/ssm/delete-patch-baseline.rst, output block 1
DELETE_PATCH_BASELINE_OUTPUT_1 = {'BaselineId': 'pb-045f10b4f382baeda'}

# awscli/examples/ssm/describe-patch-baselines.rst, output block 1
DESCRIBE_PATCH_BASELINES_OUTPUT_1 = {'BaselineIdentities': [{'BaselineName': 'AWS-SuseDefaultPatchBaseline',
                         'DefaultBaseline': True,
                         'BaselineDescription': 'Default Patch Baseline for Suse Provided by AWS.',
                         'BaselineId': 'arn:aws:ssm:us-east-2:733109147000:patchbaseline/pb-0123fdb36e334a3b2',
                         'OperatingSystem': 'SUSE'},
                        {'BaselineName': 'AWS-DefaultPatchBaseline',
                         'DefaultBaseline': False,
                         'BaselineDescription': 'Default Patch Baseline Provided by AWS.',
                         'BaselineId': 'arn:aws:ssm:us-east-2:733109147000:patchbaseline/pb-020d361a05defe4ed',
                         'OperatingSystem': 'WINDOWS'},
                        '...',
                        {'BaselineName': 'MyWindowsPatchBaseline',
                         'DefaultBaseline': True,
                         'BaselineDescription': 'My patch baseline for EC2 instances for Windows Server',
                         'BaselineId': 'pb-0ad00e0dd7EXAMPLE',
                         'OperatingSystem': 'WINDOWS'}]}

# awscli/examples/ssm/get-default-patch-baseline.rst, output block 1
GET_DEFAULT_PATCH_BASELINE_OUTPUT_1 = {'BaselineId': 'pb-0713accee01612345', 'OperatingSystem': 'WINDOWS'}

# awscli/examples/ssm/get-default-patch-baseline.rst, output block 2
GET_DEFAULT_PATCH_BASELINE_OUTPUT_2 = {'BaselineId': 'pb-047c6eb9c8fc12345', 'OperatingSystem': 'AMAZON_LINUX'}

# awscli/examples/ssm/register-default-patch-baseline.rst, output block 1
REGISTER_DEFAULT_PATCH_BASELINE_OUTPUT_1 = {'BaselineId': 'pb-abc123cf9bEXAMPLE'}

# awscli/examples/ssm/register-default-patch-baseline.rst, output block 2
REGISTER_DEFAULT_PATCH_BASELINE_OUTPUT_2 = {'BaselineId': 'pb-abc123cf9bEXAMPLE'}

# awscli/examples/ssm/register-patch-baseline-for-patch-group.rst, output block 1
REGISTER_PATCH_BASELINE_FOR_PATCH_GROUP_OUTPUT_1 = {'BaselineId': 'pb-045f10b4f382baeda', 'PatchGroup': 'Production'}

# awscli/examples/ssm/deregister-patch-baseline-for-patch-group.rst, output block 1
DEREGISTER_PATCH_BASELINE_FOR_PATCH_GROUP_OUTPUT_1 = {'PatchGroup': 'Production', 'BaselineId': 'pb-0ca44a362fEXAMPLE'}

# awscli/examples/ssm/get-patch-baseline-for-patch-group.rst, output block 1
GET_PATCH_BASELINE_FOR_PATCH_GROUP_OUTPUT_1 = {'PatchGroup': 'DEV', 'BaselineId': 'pb-0123456789abcdef0', 'OperatingSystem': 'WINDOWS'}

# awscli/examples/ssm/describe-patch-groups.rst, output block 1
DESCRIBE_PATCH_GROUPS_OUTPUT_1 = {'Mappings': [{'PatchGroup': 'Production',
               'BaselineIdentity': {'BaselineId': 'pb-0123456789abcdef0',
                                    'BaselineName': 'ProdPatching',
                                    'OperatingSystem': 'WINDOWS',
                                    'BaselineDescription': 'Patches for Production',
                                    'DefaultBaseline': False}},
              {'PatchGroup': 'Development',
               'BaselineIdentity': {'BaselineId': 'pb-0713accee01234567',
                                    'BaselineName': 'DevPatching',
                                    'OperatingSystem': 'WINDOWS',
                                    'BaselineDescription': 'Patches for Development',
                                    'DefaultBaseline': True}},
              '...']}

# awscli/examples/ssm/describe-patch-properties.rst, output block 1
DESCRIBE_PATCH_PROPERTIES_OUTPUT_1 = {'Properties': [{'Name': 'AmazonLinux2012.03'},
                {'Name': 'AmazonLinux2012.09'},
                {'Name': 'AmazonLinux2013.03'},
                {'Name': 'AmazonLinux2013.09'},
                {'Name': 'AmazonLinux2014.03'},
                {'Name': 'AmazonLinux2014.09'},
                {'Name': 'AmazonLinux2015.03'},
                {'Name': 'AmazonLinux2015.09'},
                {'Name': 'AmazonLinux2016.03'},
                {'Name': 'AmazonLinux2016.09'},
                {'Name': 'AmazonLinux2017.03'},
                {'Name': 'AmazonLinux2017.09'},
                {'Name': 'AmazonLinux2018.03'}]}

# awscli/examples/ssm/describe-available-patches.rst, output block 1
DESCRIBE_AVAILABLE_PATCHES_OUTPUT_1 = {'Patches': [{'Id': 'fe6bd8c2-3752-4c8b-ab3e-1a7ed08767ba',
              'ReleaseDate': 1544047205.0,
              'Title': '2018-11 Update for Windows Server 2019 for x64-based Systems (KB4470788)',
              'Description': 'Install this update to resolve issues in Windows. For a complete listing of '
                             'the issues that are included in this update, see the associated Microsoft '
                             'Knowledge Base article for more information. After you install this item, you '
                             'may have to restart your computer.',
              'ContentUrl': 'https://support.microsoft.com/en-us/kb/4470788',
              'Vendor': 'Microsoft',
              'ProductFamily': 'Windows',
              'Product': 'WindowsServer2019',
              'Classification': 'SecurityUpdates',
              'MsrcSeverity': 'Critical',
              'KbNumber': 'KB4470788',
              'MsrcNumber': '',
              'Language': 'All'},
             {'Id': 'c96115e1-5587-4115-b851-22baa46a3f11',
              'ReleaseDate': 1549994410.0,
              'Title': '2019-02 Security Update for Adobe Flash Player for Windows Server 2019 for x64-based '
                       'Systems (KB4487038)',
              'Description': 'A security issue has been identified in a Microsoft software product that '
                             'could affect your system. You can help protect your system by installing this '
                             'update from Microsoft. For a complete listing of the issues that are included '
                             'in this update, see the associated Microsoft Knowledge Base article. After you '
                             'install this update, you may have to restart your system.',
              'ContentUrl': 'https://support.microsoft.com/en-us/kb/4487038',
              'Vendor': 'Microsoft',
              'ProductFamily': 'Windows',
              'Product': 'WindowsServer2019',
              'Classification': 'SecurityUpdates',
              'MsrcSeverity': 'Critical',
              'KbNumber': 'KB4487038',
              'MsrcNumber': '',
              'Language': 'All'},
             '...']}

# awscli/examples/ssm/describe-available-patches.rst, output block 2
DESCRIBE_AVAILABLE_PATCHES_OUTPUT_2 = {'Patches': [{'Id': '680861e3-fb75-432e-818e-d72e5f2be719',
              'ReleaseDate': 1546970408.0,
              'Title': '2019-01 Security Update for Adobe Flash Player for Windows Server 2016 for x64-based '
                       'Systems (KB4480979)',
              'Description': 'A security issue has been identified in a Microsoft software product that '
                             'could affect your system. You can help protect your system by installing this '
                             'update from Microsoft. For a complete listing of the issues that are included '
                             'in this update, see the associated Microsoft Knowledge Base article. After you '
                             'install this update, you may have to restart your system.',
              'ContentUrl': 'https://support.microsoft.com/en-us/kb/4480979',
              'Vendor': 'Microsoft',
              'ProductFamily': 'Windows',
              'Product': 'WindowsServer2016',
              'Classification': 'SecurityUpdates',
              'MsrcSeverity': 'Critical',
              'KbNumber': 'KB4480979',
              'MsrcNumber': '',
              'Language': 'All'}]}

# awscli/examples/ssm/describe-effective-patches-for-patch-baseline.rst, output block 1
DESCRIBE_EFFECTIVE_PATCHES_FOR_PATCH_BASELINE_OUTPUT_1 = {'EffectivePatches': [{'Patch': {'Id': 'fe6bd8c2-3752-4c8b-ab3e-1a7ed08767ba',
                                 'ReleaseDate': 1544047205.0,
                                 'Title': '2018-11 Update for Windows Server 2019 for x64-based Systems '
                                          '(KB4470788)',
                                 'Description': 'Install this update to resolve issues in Windows. For a '
                                                'complete listing of the issues that are included in this '
                                                'update, see the associated Microsoft Knowledge Base article '
                                                'for more information. After you install this item, you may '
                                                'have to restart your computer.',
                                 'ContentUrl': 'https://support.microsoft.com/en-us/kb/4470788',
                                 'Vendor': 'Microsoft',
                                 'ProductFamily': 'Windows',
                                 'Product': 'WindowsServer2019',
                                 'Classification': 'SecurityUpdates',
                                 'MsrcSeverity': 'Critical',
                                 'KbNumber': 'KB4470788',
                                 'MsrcNumber': '',
                                 'Language': 'All'},
                       'PatchStatus': {'DeploymentStatus': 'APPROVED',
                                       'ComplianceLevel': 'CRITICAL',
                                       'ApprovalDate': 1544047205.0}},
                      {'Patch': {'Id': '915a6b1a-f556-4d83-8f50-b2e75a9a7e58',
                                 'ReleaseDate': 1549994400.0,
                                 'Title': '2019-02 Cumulative Update for .NET Framework 3.5 and 4.7.2 for '
                                          'Windows Server 2019 for x64 (KB4483452)',
                                 'Description': 'A security issue has been identified in a Microsoft '
                                                'software product that could affect your system. You can '
                                                'help protect your system by installing this update from '
                                                'Microsoft. For a complete listing of the issues that are '
                                                'included in this update, see the associated Microsoft '
                                                'Knowledge Base article. After you install this update, you '
                                                'may have to restart your system.',
                                 'ContentUrl': 'https://support.microsoft.com/en-us/kb/4483452',
                                 'Vendor': 'Microsoft',
                                 'ProductFamily': 'Windows',
                                 'Product': 'WindowsServer2019',
                                 'Classification': 'SecurityUpdates',
                                 'MsrcSeverity': 'Important',
                                 'KbNumber': 'KB4483452',
                                 'MsrcNumber': '',
                                 'Language': 'All'},
                       'PatchStatus': {'DeploymentStatus': 'APPROVED',
                                       'ComplianceLevel': 'CRITICAL',
                                       'ApprovalDate': 1549994400.0}},
                      '...'],
 'NextToken': '--token string truncated--'}

# awscli/examples/ssm/describe-instance-patch-states.rst, output block 1
DESCRIBE_INSTANCE_PATCH_STATES_OUTPUT_1 = {'InstancePatchStates': [{'InstanceId': 'i-1234567890abcdef0',
                          'PatchGroup': 'my-patch-group',
                          'BaselineId': 'pb-0713accee01234567',
                          'SnapshotId': '521c3536-930c-4aa9-950e-01234567abcd',
                          'CriticalNonCompliantCount': 2,
                          'SecurityNonCompliantCount': 2,
                          'OtherNonCompliantCount': 1,
                          'InstalledCount': 123,
                          'InstalledOtherCount': 334,
                          'InstalledPendingRebootCount': 0,
                          'InstalledRejectedCount': 0,
                          'MissingCount': 1,
                          'FailedCount': 2,
                          'UnreportedNotApplicableCount': 11,
                          'NotApplicableCount': 2063,
                          'OperationStartTime': '2021-05-03T11:00:56-07:00',
                          'OperationEndTime': '2021-05-03T11:01:09-07:00',
                          'Operation': 'Scan',
                          'LastNoRebootInstallOperationTime': '2020-06-14T12:17:41-07:00',
                          'RebootOption': 'RebootIfNeeded'}]}

# awscli/examples/ssm/describe-instance-patch-states-for-patch-group.rst, output block 1
DESCRIBE_INSTANCE_PATCH_STATES_FOR_PATCH_GROUP_OUTPUT_1 = {'InstancePatchStates': [{'InstanceId': 'i-02573cafcfEXAMPLE',
                          'PatchGroup': 'Production',
                          'BaselineId': 'pb-0c10e65780EXAMPLE',
                          'SnapshotId': 'a3f5ff34-9bc4-4d2c-a665-4d1c1EXAMPLE',
                          'OwnerInformation': '',
                          'InstalledCount': 32,
                          'InstalledOtherCount': 1,
                          'InstalledPendingRebootCount': 0,
                          'InstalledRejectedCount': 0,
                          'MissingCount': 2,
                          'FailedCount': 0,
                          'UnreportedNotApplicableCount': 2671,
                          'NotApplicableCount': 400,
                          'OperationStartTime': '2021-08-04T11:03:50.590000-07:00',
                          'OperationEndTime': '2021-08-04T11:04:21.555000-07:00',
                          'Operation': 'Scan',
                          'RebootOption': 'NoReboot',
                          'CriticalNonCompliantCount': 0,
                          'SecurityNonCompliantCount': 1,
                          'OtherNonCompliantCount': 0},
                         {'InstanceId': 'i-0471e04240EXAMPLE',
                          'PatchGroup': 'Production',
                          'BaselineId': 'pb-09ca3fb51fEXAMPLE',
                          'SnapshotId': '05d8ffb0-1bbe-4812-ba2d-d9b7bEXAMPLE',
                          'OwnerInformation': '',
                          'InstalledCount': 32,
                          'InstalledOtherCount': 1,
                          'InstalledPendingRebootCount': 0,
                          'InstalledRejectedCount': 0,
                          'MissingCount': 2,
                          'FailedCount': 0,
                          'UnreportedNotApplicableCount': 2671,
                          'NotApplicableCount': 400,
                          'OperationStartTime': '2021-08-04T22:06:20.340000-07:00',
                          'OperationEndTime': '2021-08-04T22:07:11.220000-07:00',
                          'Operation': 'Scan',
                          'RebootOption': 'NoReboot',
                          'CriticalNonCompliantCount': 0,
                          'SecurityNonCompliantCount': 1,
                          'OtherNonCompliantCount': 0}]}

# awscli/examples/ssm/describe-instance-patch-states-for-patch-group.rst, output block 2
DESCRIBE_INSTANCE_PATCH_STATES_FOR_PATCH_GROUP_OUTPUT_2 = {'InstancePatchStates': [{'InstanceId': 'i-02573cafcfEXAMPLE',
                          'PatchGroup': 'Production',
                          'BaselineId': 'pb-0c10e65780EXAMPLE',
                          'SnapshotId': 'a3f5ff34-9bc4-4d2c-a665-4d1c1EXAMPLE',
                          'OwnerInformation': '',
                          'InstalledCount': 46,
                          'InstalledOtherCount': 4,
                          'InstalledPendingRebootCount': 1,
                          'InstalledRejectedCount': 1,
                          'MissingCount': 7,
                          'FailedCount': 0,
                          'UnreportedNotApplicableCount': 232,
                          'NotApplicableCount': 654,
                          'OperationStartTime': '2021-08-04T11:03:50.590000-07:00',
                          'OperationEndTime': '2021-08-04T11:04:21.555000-07:00',
                          'Operation': 'Scan',
                          'RebootOption': 'NoReboot',
                          'CriticalNonCompliantCount': 0,
                          'SecurityNonCompliantCount': 1,
                          'OtherNonCompliantCount': 1}]}

# awscli/examples/ssm/describe-instance-patch-states-for-patch-group.rst, output block 3
DESCRIBE_INSTANCE_PATCH_STATES_FOR_PATCH_GROUP_OUTPUT_3 = {'InstancePatchStates': [{'InstanceId': 'i-02573cafcfEXAMPLE',
                          'BaselineId': 'pb-0c10e65780EXAMPLE',
                          'SnapshotId': 'a3f5ff34-9bc4-4d2c-a665-4d1c1EXAMPLE',
                          'PatchGroup': 'Production',
                          'OwnerInformation': '',
                          'InstalledCount': 32,
                          'InstalledOtherCount': 1,
                          'InstalledPendingRebootCount': 4,
                          'InstalledRejectedCount': 0,
                          'MissingCount': 2,
                          'FailedCount': 0,
                          'UnreportedNotApplicableCount': 846,
                          'NotApplicableCount': 212,
                          'OperationStartTime': '2021-08-046T11:03:50.590000-07:00',
                          'OperationEndTime': '2021-08-06T11:04:21.555000-07:00',
                          'Operation': 'Scan',
                          'RebootOption': 'NoReboot',
                          'CriticalNonCompliantCount': 0,
                          'SecurityNonCompliantCount': 1,
                          'OtherNonCompliantCount': 0}]}

# awscli/examples/ssm/describe-instance-patches.rst, output block 1
DESCRIBE_INSTANCE_PATCHES_OUTPUT_1 = {'Patches': [{'Title': '2019-01 Security Update for Adobe Flash Player for Windows Server 2016 for x64-based '
                       'Systems (KB4480979)',
              'KBId': 'KB4480979',
              'Classification': 'SecurityUpdates',
              'Severity': 'Critical',
              'State': 'Installed',
              'InstalledTime': '2019-01-09T00:00:00+00:00'},
             {'Title': '',
              'KBId': 'KB4481031',
              'Classification': '',
              'Severity': '',
              'State': 'InstalledOther',
              'InstalledTime': '2019-02-08T00:00:00+00:00'},
             '...'],
 'NextToken': '--token string truncated--'}

# awscli/examples/ssm/describe-instance-patches.rst, output block 2
DESCRIBE_INSTANCE_PATCHES_OUTPUT_2 = {'Patches': [{'Title': 'Windows Malicious Software Removal Tool x64 - February 2019 (KB890830)',
              'KBId': 'KB890830',
              'Classification': 'UpdateRollups',
              'Severity': 'Unspecified',
              'State': 'Missing',
              'InstalledTime': '1970-01-01T00:00:00+00:00'},
             '...'],
 'NextToken': '--token string truncated--'}

# awscli/examples/ssm/describe-instance-patches.rst, output block 3
DESCRIBE_INSTANCE_PATCHES_OUTPUT_3 = {'Patches': [{'Title': '2023-03 Cumulative Update for Windows Server 2019 (1809) for x64-based Systems '
                       '(KB5023702)',
              'KBId': 'KB5023702',
              'Classification': 'SecurityUpdates',
              'Severity': 'Critical',
              'State': 'Installed',
              'InstalledTime': '2023-03-16T11:00:00+00:00'},
             '...'],
 'NextToken': '--token string truncated--'}

# awscli/examples/ssm/describe-patch-group-state.rst, output block 1
DESCRIBE_PATCH_GROUP_STATE_OUTPUT_1 = {'Instances': 21,
 'InstancesWithCriticalNonCompliantPatches': 1,
 'InstancesWithFailedPatches': 2,
 'InstancesWithInstalledOtherPatches': 3,
 'InstancesWithInstalledPatches': 21,
 'InstancesWithInstalledPendingRebootPatches': 2,
 'InstancesWithInstalledRejectedPatches': 1,
 'InstancesWithMissingPatches': 3,
 'InstancesWithNotApplicablePatches': 4,
 'InstancesWithOtherNonCompliantPatches': 1,
 'InstancesWithSecurityNonCompliantPatches': 1,
 'InstancesWithUnreportedNotApplicablePatches': 2}

# awscli/examples/ssm/list-compliance-summaries.rst, output block 1
LIST_COMPLIANCE_SUMMARIES_OUTPUT_1 = {'ComplianceSummaryItems': [{'ComplianceType': 'Association',
                             'CompliantSummary': {'CompliantCount': 2,
                                                  'SeveritySummary': {'CriticalCount': 0,
                                                                      'HighCount': 0,
                                                                      'MediumCount': 0,
                                                                      'LowCount': 0,
                                                                      'InformationalCount': 0,
                                                                      'UnspecifiedCount': 2}},
                             'NonCompliantSummary': {'NonCompliantCount': 0,
                                                     'SeveritySummary': {'CriticalCount': 0,
                                                                         'HighCount': 0,
                                                                         'MediumCount': 0,
                                                                         'LowCount': 0,
                                                                         'InformationalCount': 0,
                                                                         'UnspecifiedCount': 0}}},
                            {'ComplianceType': 'Patch',
                             'CompliantSummary': {'CompliantCount': 1,
                                                  'SeveritySummary': {'CriticalCount': 0,
                                                                      'HighCount': 0,
                                                                      'MediumCount': 0,
                                                                      'LowCount': 0,
                                                                      'InformationalCount': 0,
                                                                      'UnspecifiedCount': 1}},
                             'NonCompliantSummary': {'NonCompliantCount': 1,
                                                     'SeveritySummary': {'CriticalCount': 1,
                                                                         'HighCount': 0,
                                                                         'MediumCount': 0,
                                                                         'LowCount': 0,
                                                                         'InformationalCount': 0,
                                                                         'UnspecifiedCount': 0}}},
                            '...'],
 'NextToken': 'eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ=='}

# awscli/examples/ssm/list-resource-compliance-summaries.rst, output block 1
LIST_RESOURCE_COMPLIANCE_SUMMARIES_OUTPUT_1 = {'ResourceComplianceSummaryItems': [{'ComplianceType': 'Association',
                                     'ResourceType': 'ManagedInstance',
                                     'ResourceId': 'i-1234567890abcdef0',
                                     'Status': 'COMPLIANT',
                                     'OverallSeverity': 'UNSPECIFIED',
                                     'ExecutionSummary': {'ExecutionTime': 1550509273.0},
                                     'CompliantSummary': {'CompliantCount': 2,
                                                          'SeveritySummary': {'CriticalCount': 0,
                                                                              'HighCount': 0,
                                                                              'MediumCount': 0,
                                                                              'LowCount': 0,
                                                                              'InformationalCount': 0,
                                                                              'UnspecifiedCount': 2}},
                                     'NonCompliantSummary': {'NonCompliantCount': 0,
                                                             'SeveritySummary': {'CriticalCount': 0,
                                                                                 'HighCount': 0,
                                                                                 'MediumCount': 0,
                                                                                 'LowCount': 0,
                                                                                 'InformationalCount': 0,
                                                                                 'UnspecifiedCount': 0}}},
                                    {'ComplianceType': 'Patch',
                                     'ResourceType': 'ManagedInstance',
                                     'ResourceId': 'i-9876543210abcdef0',
                                     'Status': 'COMPLIANT',
                                     'OverallSeverity': 'UNSPECIFIED',
                                     'ExecutionSummary': {'ExecutionTime': 1550248550.0,
                                                          'ExecutionId': '7abb6378-a4a5-4f10-8312-0123456789ab',
                                                          'ExecutionType': 'Command'},
                                     'CompliantSummary': {'CompliantCount': 397,
                                                          'SeveritySummary': {'CriticalCount': 0,
                                                                              'HighCount': 0,
                                                                              'MediumCount': 0,
                                                                              'LowCount': 0,
                                                                              'InformationalCount': 0,
                                                                              'UnspecifiedCount': 397}},
                                     'NonCompliantSummary': {'NonCompliantCount': 0,
                                                             'SeveritySummary': {'CriticalCount': 0,
                                                                                 'HighCount': 0,
                                                                                 'MediumCount': 0,
                                                                                 'LowCount': 0,
                                                                                 'InformationalCount': 0,
                                                                                 'UnspecifiedCount': 0}}}],
 'NextToken': '--token string truncated--'}

# awscli/examples/ssm/list-compliance-items.rst, output block 1
LIST_COMPLIANCE_ITEMS_OUTPUT_1 = {'ComplianceItems': [{'ComplianceType': 'Association',
                      'ResourceType': 'ManagedInstance',
                      'ResourceId': 'i-1234567890abcdef0',
                      'Id': '8dfe3659-4309-493a-8755-0123456789ab',
                      'Title': '',
                      'Status': 'COMPLIANT',
                      'Severity': 'UNSPECIFIED',
                      'ExecutionSummary': {'ExecutionTime': 1550408470.0},
                      'Details': {'DocumentName': 'AWS-GatherSoftwareInventory', 'DocumentVersion': '1'}},
                     {'ComplianceType': 'Association',
                      'ResourceType': 'ManagedInstance',
                      'ResourceId': 'i-1234567890abcdef0',
                      'Id': 'e4c2ed6d-516f-41aa-aa2a-0123456789ab',
                      'Title': '',
                      'Status': 'COMPLIANT',
                      'Severity': 'UNSPECIFIED',
                      'ExecutionSummary': {'ExecutionTime': 1550508475.0},
                      'Details': {'DocumentName': 'AWS-UpdateSSMAgent', 'DocumentVersion': '1'}},
                     '...'],
 'NextToken': '--token string truncated--'}

# awscli/examples/ssm/describe-instance-information.rst, output block 1
DESCRIBE_INSTANCE_INFORMATION_OUTPUT_1 = {'InstanceInformationList': [{'InstanceId': 'i-028ea792daEXAMPLE',
                              'PingStatus': 'Online',
                              'LastPingDateTime': 1582221233.421,
                              'AgentVersion': '2.3.842.0',
                              'IsLatestVersion': True,
                              'PlatformType': 'Linux',
                              'PlatformName': 'SLES',
                              'PlatformVersion': '15.1',
                              'ResourceType': 'EC2Instance',
                              'IPAddress': '192.0.2.0',
                              'ComputerName': 'ip-198.51.100.0.us-east-2.compute.internal',
                              'AssociationStatus': 'Success',
                              'LastAssociationExecutionDate': 1582220806.0,
                              'LastSuccessfulAssociationExecutionDate': 1582220806.0,
                              'AssociationOverview': {'DetailedStatus': 'Success',
                                                      'InstanceAssociationStatusAggregatedCount': {'Success': 2}}}]}


_WINDOWS_AUTO_APPROVAL_FILTERS = {"PatchFilters": [
    {"Key": "MSRC_SEVERITY", "Values": ["Critical", "Important", "Moderate"]},
    {"Key": "CLASSIFICATION", "Values": ["SecurityUpdates", "Updates", "UpdateRollups", "CriticalUpdates"]},
]}

# The JSON file of create-patch-baseline Example 3, verbatim.
_AMAZON_LINUX_APPROVAL_RULES_AND_REPO = {
    "Name": "Amazon-Linux-2017.09-Production-Baseline",
    "Description": "My approval rules patch baseline for Amazon Linux 2017.09 instances",
    "OperatingSystem": "AMAZON_LINUX",
    "Tags": [{"Key": "Environment", "Value": "Production"}],
    "ApprovalRules": {"PatchRules": [{
        "ApproveAfterDays": 7,
        "EnableNonSecurity": True,
        "PatchFilterGroup": {"PatchFilters": [
            {"Key": "SEVERITY", "Values": ["Important", "Critical"]},
            {"Key": "CLASSIFICATION", "Values": ["Security", "Bugfix"]},
            {"Key": "PRODUCT", "Values": ["AmazonLinux2017.09"]},
        ]},
    }]},
    "Sources": [{
        "Name": "My-AL2017.09",
        "Products": ["AmazonLinux2017.09"],
        "Configuration": "[amzn-main] \nname=amzn-main-Base\nmirrorlist=http://repo./$awsregion./$awsdomain//$releasever/main/mirror.list //nmirrorlist_expire=300//nmetadata_expire=300 \npriority=10 \nfailovermethod=priority \nfastestmirror_enabled=0 \ngpgcheck=1 \ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-amazon-ga \nenabled=1 \nretries=3 \ntimeout=5\nreport_instanceid=yes",
    }],
}


def _example(source, operation, request, output):
    return {"source": f"awscli/examples/ssm/{source}", "operation": operation, "request": request, "output": output}


EXAMPLES = {
    "create_patch_baseline_1": _example(
        "create-patch-baseline.rst, Example 1", "CreatePatchBaseline",
        {"Name": "Windows-Production-Baseline-AutoApproval", "OperatingSystem": "WINDOWS",
         "ApprovalRules": {"PatchRules": [{"PatchFilterGroup": _WINDOWS_AUTO_APPROVAL_FILTERS, "ApproveAfterDays": 7}]},
         "Description": "Baseline containing all updates approved for Windows Server production systems"},
        CREATE_PATCH_BASELINE_OUTPUT_1),
    "create_patch_baseline_2": _example(
        "create-patch-baseline.rst, Example 2", "CreatePatchBaseline",
        {"Name": "Windows-Production-Baseline-AutoApproval", "OperatingSystem": "WINDOWS",
         "ApprovalRules": {"PatchRules": [{"PatchFilterGroup": _WINDOWS_AUTO_APPROVAL_FILTERS,
                                           "ApproveUntilDate": "2020-07-07"}]},
         "Description": "Baseline containing all updates approved for Windows Server production systems"},
        CREATE_PATCH_BASELINE_OUTPUT_2),
    "create_patch_baseline_3": _example(
        "create-patch-baseline.rst, Example 3", "CreatePatchBaseline", _AMAZON_LINUX_APPROVAL_RULES_AND_REPO, None),
    "create_patch_baseline_4": _example(
        "create-patch-baseline.rst, Example 4", "CreatePatchBaseline",
        {"Name": "Amazon-Linux-2017.09-Alpha-Baseline",
         "Description": "My custom approve/reject patch baseline for Amazon Linux 2017.09 instances",
         "OperatingSystem": "AMAZON_LINUX",
         "ApprovedPatches": ["CVE-2018-1234567", "example-pkg-EE-2018*.amzn1.noarch"],
         "ApprovedPatchesComplianceLevel": "HIGH", "ApprovedPatchesEnableNonSecurity": True,
         "Tags": [{"Key": "Environment", "Value": "Alpha"}]},
        None),
    "get_patch_baseline": _example(
        "get-patch-baseline.rst", "GetPatchBaseline", {"BaselineId": "pb-0123456789abcdef0"},
        GET_PATCH_BASELINE_OUTPUT_1),
    "update_patch_baseline_1": _example(
        "update-patch-baseline.rst, Example 1", "UpdatePatchBaseline",
        {"BaselineId": "pb-0123456789abcdef0", "RejectedPatches": ["KB2032276", "MS10-048"],
         "ApprovedPatches": ["KB2124261"]},
        UPDATE_PATCH_BASELINE_OUTPUT_1),
    "update_patch_baseline_2": _example(
        "update-patch-baseline.rst, Example 2", "UpdatePatchBaseline",
        {"BaselineId": "pb-0713accee01234567",
         "Name": "Windows-Server-2012-R2-Important-and-Critical-Security-Updates"},
        None),
    "delete_patch_baseline": _example(
        "delete-patch-baseline.rst", "DeletePatchBaseline", {"BaselineId": "pb-045f10b4f382baeda"},
        DELETE_PATCH_BASELINE_OUTPUT_1),
    "describe_patch_baselines_1": _example(
        "describe-patch-baselines.rst, Example 1", "DescribePatchBaselines", {}, DESCRIBE_PATCH_BASELINES_OUTPUT_1),
    "describe_patch_baselines_2": _example(
        "describe-patch-baselines.rst, Example 2", "DescribePatchBaselines",
        {"Filters": [{"Key": "OWNER", "Values": ["AWS"]}]}, None),
    "describe_patch_baselines_3": _example(
        "describe-patch-baselines.rst, Example 3", "DescribePatchBaselines",
        {"Filters": [{"Key": "OWNER", "Values": ["Self"]}]}, None),
    "get_default_patch_baseline_1": _example(
        "get-default-patch-baseline.rst, Example 1", "GetDefaultPatchBaseline", {},
        GET_DEFAULT_PATCH_BASELINE_OUTPUT_1),
    "get_default_patch_baseline_2": _example(
        "get-default-patch-baseline.rst, Example 2", "GetDefaultPatchBaseline",
        {"OperatingSystem": "AMAZON_LINUX"}, GET_DEFAULT_PATCH_BASELINE_OUTPUT_2),
    "register_default_patch_baseline_1": _example(
        "register-default-patch-baseline.rst, first example", "RegisterDefaultPatchBaseline",
        {"BaselineId": "pb-abc123cf9bEXAMPLE"}, REGISTER_DEFAULT_PATCH_BASELINE_OUTPUT_1),
    "register_default_patch_baseline_2": _example(
        "register-default-patch-baseline.rst, second example", "RegisterDefaultPatchBaseline",
        {"BaselineId": "arn:aws:ssm:us-east-2:733109147000:patchbaseline/pb-0574b43a65ea646ed"},
        REGISTER_DEFAULT_PATCH_BASELINE_OUTPUT_2),
    "register_patch_baseline_for_patch_group": _example(
        "register-patch-baseline-for-patch-group.rst", "RegisterPatchBaselineForPatchGroup",
        {"BaselineId": "pb-045f10b4f382baeda", "PatchGroup": "Production"},
        REGISTER_PATCH_BASELINE_FOR_PATCH_GROUP_OUTPUT_1),
    "deregister_patch_baseline_for_patch_group": _example(
        "deregister-patch-baseline-for-patch-group.rst", "DeregisterPatchBaselineForPatchGroup",
        {"PatchGroup": "Production", "BaselineId": "pb-0ca44a362fEXAMPLE"},
        DEREGISTER_PATCH_BASELINE_FOR_PATCH_GROUP_OUTPUT_1),
    "get_patch_baseline_for_patch_group": _example(
        "get-patch-baseline-for-patch-group.rst", "GetPatchBaselineForPatchGroup", {"PatchGroup": "DEV"},
        GET_PATCH_BASELINE_FOR_PATCH_GROUP_OUTPUT_1),
    "describe_patch_groups": _example(
        "describe-patch-groups.rst", "DescribePatchGroups", {}, DESCRIBE_PATCH_GROUPS_OUTPUT_1),
    "describe_patch_properties": _example(
        "describe-patch-properties.rst", "DescribePatchProperties",
        {"OperatingSystem": "AMAZON_LINUX", "Property": "PRODUCT"}, DESCRIBE_PATCH_PROPERTIES_OUTPUT_1),
    "describe_available_patches_1": _example(
        "describe-available-patches.rst, first example", "DescribeAvailablePatches",
        {"Filters": [{"Key": "PRODUCT", "Values": ["WindowsServer2019"]},
                     {"Key": "MSRC_SEVERITY", "Values": ["Critical"]}]},
        DESCRIBE_AVAILABLE_PATCHES_OUTPUT_1),
    "describe_available_patches_2": _example(
        "describe-available-patches.rst, second example", "DescribeAvailablePatches",
        {"Filters": [{"Key": "PATCH_ID", "Values": ["KB4480979"]}]}, DESCRIBE_AVAILABLE_PATCHES_OUTPUT_2),
    "describe_effective_patches_1": _example(
        "describe-effective-patches-for-patch-baseline.rst, Example 1", "DescribeEffectivePatchesForPatchBaseline",
        {"BaselineId": "pb-08b654cf9b9681f04"}, DESCRIBE_EFFECTIVE_PATCHES_FOR_PATCH_BASELINE_OUTPUT_1),
    # "See example 1 for sample output."
    "describe_effective_patches_2": _example(
        "describe-effective-patches-for-patch-baseline.rst, Example 2", "DescribeEffectivePatchesForPatchBaseline",
        {"BaselineId": "arn:aws:ssm:us-east-2:733109147000:patchbaseline/pb-020d361a05defe4ed"},
        DESCRIBE_EFFECTIVE_PATCHES_FOR_PATCH_BASELINE_OUTPUT_1),
    "describe_instance_patch_states": _example(
        "describe-instance-patch-states.rst", "DescribeInstancePatchStates",
        {"InstanceIds": ["i-1234567890abcdef0"]}, DESCRIBE_INSTANCE_PATCH_STATES_OUTPUT_1),
    "describe_instance_patch_states_for_patch_group_1": _example(
        "describe-instance-patch-states-for-patch-group.rst, Example 1", "DescribeInstancePatchStatesForPatchGroup",
        {"PatchGroup": "Production"}, DESCRIBE_INSTANCE_PATCH_STATES_FOR_PATCH_GROUP_OUTPUT_1),
    "describe_instance_patch_states_for_patch_group_2": _example(
        "describe-instance-patch-states-for-patch-group.rst, Example 2", "DescribeInstancePatchStatesForPatchGroup",
        {"Filters": [{"Key": "MissingCount", "Type": "GreaterThan", "Values": ["5"]}], "PatchGroup": "Production"},
        DESCRIBE_INSTANCE_PATCH_STATES_FOR_PATCH_GROUP_OUTPUT_2),
    "describe_instance_patch_states_for_patch_group_3": _example(
        "describe-instance-patch-states-for-patch-group.rst, Example 3", "DescribeInstancePatchStatesForPatchGroup",
        {"Filters": [{"Key": "InstalledPendingRebootCount", "Type": "LessThan", "Values": ["10"]}],
         "PatchGroup": "Production"},
        DESCRIBE_INSTANCE_PATCH_STATES_FOR_PATCH_GROUP_OUTPUT_3),
    "describe_instance_patches_1": _example(
        "describe-instance-patches.rst, Example 1", "DescribeInstancePatches",
        {"InstanceId": "i-1234567890abcdef0"}, DESCRIBE_INSTANCE_PATCHES_OUTPUT_1),
    "describe_instance_patches_2": _example(
        "describe-instance-patches.rst, Example 2", "DescribeInstancePatches",
        {"InstanceId": "i-1234567890abcdef0", "Filters": [{"Key": "State", "Values": ["Missing"]}]},
        DESCRIBE_INSTANCE_PATCHES_OUTPUT_2),
    # The example's --query is applied by the CLI to the answer; the request is the State filter.
    "describe_instance_patches_3": _example(
        "describe-instance-patches.rst, Example 3", "DescribeInstancePatches",
        {"InstanceId": "i-1234567890abcdef0", "Filters": [{"Key": "State", "Values": ["Installed"]}]},
        DESCRIBE_INSTANCE_PATCHES_OUTPUT_3),
    "describe_patch_group_state": _example(
        "describe-patch-group-state.rst", "DescribePatchGroupState", {"PatchGroup": "Production"},
        DESCRIBE_PATCH_GROUP_STATE_OUTPUT_1),
    "list_compliance_summaries_1": _example(
        "list-compliance-summaries.rst, first example", "ListComplianceSummaries", {},
        LIST_COMPLIANCE_SUMMARIES_OUTPUT_1),
    "list_compliance_summaries_2": _example(
        "list-compliance-summaries.rst, second example", "ListComplianceSummaries",
        {"Filters": [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}]}, None),
    "list_resource_compliance_summaries_1": _example(
        "list-resource-compliance-summaries.rst, first example", "ListResourceComplianceSummaries", {},
        LIST_RESOURCE_COMPLIANCE_SUMMARIES_OUTPUT_1),
    "list_resource_compliance_summaries_2": _example(
        "list-resource-compliance-summaries.rst, second example", "ListResourceComplianceSummaries",
        {"Filters": [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}]}, None),
    "list_compliance_items_1": _example(
        "list-compliance-items.rst, first example", "ListComplianceItems",
        {"ResourceIds": ["i-1234567890abcdef0"], "ResourceTypes": ["ManagedInstance"]},
        LIST_COMPLIANCE_ITEMS_OUTPUT_1),
    "list_compliance_items_2": _example(
        "list-compliance-items.rst, second example", "ListComplianceItems",
        {"ResourceIds": ["i-1234567890abcdef0"], "ResourceTypes": ["ManagedInstance"],
         "Filters": [{"Key": "ComplianceType", "Values": ["Association"], "Type": "EQUAL"},
                     {"Key": "Id", "Values": ["e4c2ed6d-516f-41aa-aa2a-0123456789ab"], "Type": "EQUAL"}]},
        None),
    "list_compliance_items_3": _example(
        "list-compliance-items.rst, third example", "ListComplianceItems",
        {"ResourceIds": ["i-1234567890abcdef0"], "ResourceTypes": ["ManagedInstance"],
         "Filters": [{"Key": "ExecutionTime", "Values": ["2019-02-18T16:00:00Z"], "Type": "GREATER_THAN"}]},
        None),
    # "There is no output if the command succeeds."
    "put_compliance_items": _example(
        "put-compliance-items.rst", "PutComplianceItems",
        {"ResourceId": "i-1234567890abcdef0", "ResourceType": "ManagedInstance", "ComplianceType": "Custom:AVCheck",
         "ExecutionSummary": {"ExecutionTime": "2019-02-18T16:00:00Z"},
         "Items": [{"Id": "Version2.0", "Title": "ScanHost", "Severity": "CRITICAL", "Status": "COMPLIANT"}]},
        {}),
    "describe_instance_information_1": _example(
        "describe-instance-information.rst, Example 1", "DescribeInstanceInformation", {}, None),
    "describe_instance_information_2": _example(
        "describe-instance-information.rst, Example 2", "DescribeInstanceInformation",
        {"Filters": [{"Key": "InstanceIds", "Values": ["i-028ea792daEXAMPLE"]}]}, None),
    "describe_instance_information_3": _example(
        "describe-instance-information.rst, Example 3", "DescribeInstanceInformation",
        {"Filters": [{"Key": "tag-key", "Values": ["DEV"]}]}, DESCRIBE_INSTANCE_INFORMATION_OUTPUT_1),
}
