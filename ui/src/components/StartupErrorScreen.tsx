import { ownerText } from "../ownerText";

interface StartupErrorScreenProps {
  problem: string;
  dataDir: string;
}

/**
 * Shown instead of the shell when the order book could not be opened (an unwritable data folder, a
 * damaged database, a database from a newer version). Nothing has been changed or deleted.
 */
export function StartupErrorScreen({ problem, dataDir }: StartupErrorScreenProps) {
  return (
    <main className="startup-error" role="alert" data-testid="startup-error">
      <h1>판뮤직 POS를 시작할 수 없습니다</h1>
      <p className="problem" data-testid="startup-error-message">
        {ownerText(problem)}
      </p>
      <p>
        주문 데이터는 그대로 보존되어 있으며 아무것도 지우거나 바꾸지 않았습니다.
      </p>
      <dl>
        <dt>데이터 폴더</dt>
        <dd>
          <code>{dataDir}</code>
        </dd>
      </dl>
      <p className="hint">
        폴더에 쓰기 권한이 있는지, 디스크 공간이 남아 있는지 확인한 뒤 앱을 다시 시작해 주세요.
        최신 버전의 앱에서 만든 데이터라면 앱을 업데이트해 주세요. 계속되면 판뮤직 고객센터에 이
        화면을 보여 주세요.
      </p>
    </main>
  );
}
