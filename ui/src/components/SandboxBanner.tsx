/** Shown on every screen in sandbox mode, so nobody mistakes a test payment for a real one. */
export function SandboxBanner() {
  return (
    <div className="sandbox-banner" role="status" data-testid="sandbox-banner">
      <strong>SANDBOX</strong> 테스트 모드입니다. 실제 결제가 일어나지 않습니다.
    </div>
  );
}
