using Portal.Core.Common;

namespace Portal.Core.Archives;

/// <summary>Every error of archives: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class ArchivesErrors
{
    public static readonly DomainError AlreadyRequested = new("already_requested", ProblemKind.Conflict, "已绑定或正在审核中", "This archive is already bound or under review");

    public static readonly DomainError ArchiveExists = new("archive_exists", ProblemKind.Conflict, "该受种者已有接种档案，请使用档案绑定或迁档", "This resident already has an archive: bind or transfer it instead");

    public static readonly DomainError ArchiveGone = new("archive_gone", ProblemKind.Conflict, "档案已不存在或已关闭", "The archive no longer exists or is closed");

    public static readonly DomainError ArchiveNotFound = new("archive_not_found", ProblemKind.NotFound, "未找到接种档案，可申请自助建档", "No vaccination archive was found; you may ask for a new one");

    public static readonly DomainError RequestNotFound = new("request_not_found", ProblemKind.NotFound, "未找到该申请", "No such request");

    public static readonly DomainError RequestReviewed = new("request_reviewed", ProblemKind.Conflict, "该申请已处理", "This request has already been reviewed");
}
