namespace FastGateway.OAuth;

/// <summary>Section <c>Compatibility</c>: how the webMethods and Apigee aliases (<see cref="CompatibilityAliases"/>) answer.</summary>
internal sealed record CompatibilityOptions
{
    /// <summary>
    /// <c>Compatibility:ApigeeResponseShape</c>: the Apigee alias <c>/oauth/client_credential/accesstoken</c> answers in
    /// Apigee Edge's token shape (<see cref="ApigeeTokenResponse"/>: numbers as strings, <c>issued_at</c> in
    /// milliseconds, <c>status</c>, <c>api_product_list</c>, ...). Default true; false answers the RFC 6749 section 5.1
    /// shape of <c>/oauth2/token</c>. The standard endpoints are RFC-exact either way.
    /// </summary>
    public bool ApigeeResponseShape { get; set; } = true;

    /// <summary><c>Compatibility:ApigeeOrganizationName</c>: the <c>organization_name</c> of Apigee-shaped answers. Default "fastgateway".</summary>
    public string ApigeeOrganizationName { get; set; } = "fastgateway";
}
